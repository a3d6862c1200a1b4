import { nodeCrypto } from '../core/lazy-crypto.js';
import { chmodSync, existsSync, linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OctoError } from '../core/errors.js';
import { ensurePrivateDir, tempBeside } from './private-files.js';

/**
 * The master key that seals viewable secrets (SPEC §4): base64 of 32 bytes, from $OCTO_MASTER_KEY
 * or the file at `path`, which is created (0600) with a fresh random key on first use.
 */
export function loadMasterKey(env: NodeJS.ProcessEnv, path: string): Buffer {
  if (fromEnv(env)) {
    return decode(env.OCTO_MASTER_KEY!, 'OCTO_MASTER_KEY');
  }
  try {
    if (!existsSync(path)) createKeyFile(path);
    return decode(readFileSync(path, 'utf8'), path);
  } catch (err) {
    if (err instanceof OctoError) throw err;
    throw new OctoError('master_key_unreadable', `cannot read or create the master key file ${path}`, { hint: UNREADABLE_HINT });
  }
}

export type MasterKeySource = 'OCTO_MASTER_KEY' | 'file';

/**
 * The master key where one exists, creating nothing (`octo status`): from $OCTO_MASTER_KEY, else
 * the file at `path`; null when neither is there. The same errors as loadMasterKey for a key that
 * is not base64 of 32 bytes or a file that cannot be read.
 */
export function findMasterKey(env: NodeJS.ProcessEnv, path: string): { key: Buffer; source: MasterKeySource } | null {
  if (fromEnv(env)) return { key: decode(env.OCTO_MASTER_KEY!, 'OCTO_MASTER_KEY'), source: 'OCTO_MASTER_KEY' };
  if (!existsSync(path)) return null;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new OctoError('master_key_unreadable', `cannot read the master key file ${path}`, { hint: UNREADABLE_HINT });
  }
  return { key: decode(text, path), source: 'file' };
}

const UNREADABLE_HINT = 'set OCTO_MASTER_KEY to base64 of 32 bytes (e.g. `openssl rand -base64 32`) or fix the file permissions';

/** Whether a master key exists to load, so that a command which only reads need not create one. */
export function masterKeyExists(env: NodeJS.ProcessEnv, path: string): boolean {
  return fromEnv(env) || existsSync(path);
}

const fromEnv = (env: NodeJS.ProcessEnv) => env.OCTO_MASTER_KEY !== undefined && env.OCTO_MASTER_KEY !== '';

/**
 * Written whole under a temporary name, then linked into place. The file therefore appears with
 * its content or not at all: an empty file created first and filled afterwards is left empty by a
 * kill -9 in between, and refused ever after. link() fails if the name exists, so of several
 * first runs racing, exactly one key wins and every process reads that one.
 */
function createKeyFile(path: string): void {
  ensurePrivateDir(dirname(path));
  const temp = tempBeside(path);
  try {
    writeFileSync(temp, nodeCrypto().randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(temp, 0o600); // the mode given to open is filtered by the umask
    linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(temp, { force: true });
  }
}

function decode(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    throw new OctoError('master_key_invalid', `the master key in ${source} is not base64 of 32 bytes`, {
      hint: 'set it to the output of `openssl rand -base64 32` (or the key this keystore was created with)',
    });
  }
  return key;
}
