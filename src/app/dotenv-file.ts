import { closeSync, constants, fstatSync, fsyncSync, lstatSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setEnvVar, isEnvName, type EnvChange } from '../core/dotenv.js';
import { OctoError, UsageError } from '../core/errors.js';
import { tempBeside } from '../store/private-files.js';
import { shellWord } from '../core/shell-word.js';

/** Where `--dotenv FILE --env-var NAME` puts a secret: checked before any key is made. */
export interface EnvTarget {
  /** As the user wrote it, for messages. */
  file: string;
  path: string;
  variable: string;
}

export interface EnvWrite {
  path: string;
  variable: string;
  change: EnvChange;
  /** The mode the file had, when it was wider than 0600 (it is 0600 now). */
  narrowedFrom: number | null;
}

/**
 * The flags checked before a key exists: a variable name a shell accepts, and a file that is a
 * regular file or not there yet, in a folder that is. A symbolic link is refused rather than
 * followed or replaced: following it writes a secret wherever the link points (in a shared
 * folder, someone else's choice), and renaming over it would silently cut the link.
 */
export function envTarget(file: string, variable: string | undefined): EnvTarget {
  if (variable === undefined) {
    throw new UsageError('--dotenv needs --env-var: the variable that holds the key', `name it, e.g. \`--dotenv ${shellWord(file)} --env-var OCTO_KEY\``, 'missing_argument');
  }
  if (!isEnvName(variable)) {
    throw new UsageError(`invalid --env-var "${variable}": a variable name is letters, digits and _, not starting with a digit`, 'e.g. --env-var SMS_KEY');
  }
  const path = resolve(file);
  refuseUnwritable(file, path);
  return { file, path, variable };
}

function refuseUnwritable(file: string, path: string): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotWrite(file, err);
    if (!isFolder(dirname(path))) {
      throw new OctoError('dotenv', `cannot write ${file}: the folder ${dirname(path)} does not exist`, { hint: `create it first: \`mkdir -p ${shellWord(dirname(path))}\`` });
    }
    return;
  }
  if (stat.isSymbolicLink()) {
    let target = 'its target';
    try { target = realpathSync(path); } catch { /* a dangling link: no target to name */ }
    throw new OctoError('dotenv', `${file} is a symbolic link; octo writes a secret only to a regular file`, { hint: `pass the file itself: --dotenv ${shellWord(target)}` });
  }
  if (!stat.isFile()) throw new OctoError('dotenv', `${file} is not a regular file`, { hint: 'pass a dotenv file, e.g. --dotenv .env.local' });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Sets the variable in the file, atomically: the whole new file is written to a temporary file
 * beside it (0600), flushed, and renamed over it, so a reader sees the old file or the new one and
 * a crash leaves no half-written secret. The file is 0600 afterwards whatever it was. Runs inside
 * the keystore transaction that creates the key, so a secret that could not be written leaves no
 * key behind.
 */
export function writeEnvFile(target: EnvTarget, secret: string): EnvWrite {
  refuseUnwritable(target.file, target.path);
  const { text, mode } = readExisting(target);
  const next = setEnvVar(text, target.variable, secret);
  const temp = tempBeside(target.path);
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, next.text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target.path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw cannotWrite(target.file, err);
  }
  return { path: target.path, variable: target.variable, change: next.change, narrowedFrom: mode !== null && (mode & 0o077) !== 0 ? mode : null };
}

/** The file's text and mode, opened without following a link (one could have appeared since the check). */
function readExisting(target: EnvTarget): { text: string; mode: number | null } {
  let fd: number;
  try {
    fd = openSync(target.path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', mode: null };
    throw cannotWrite(target.file, err);
  }
  try {
    return { text: readFileSync(fd, 'utf8'), mode: fstatSync(fd).mode & 0o777 };
  } finally {
    closeSync(fd);
  }
}

function cannotWrite(file: string, err: unknown): OctoError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ELOOP' ? 'it is a symbolic link' : (code ?? String(err));
  return new OctoError('dotenv', `cannot write ${file}: ${why}`, { hint: 'pass a file in a folder you can write to, e.g. --dotenv .env.local' });
}
