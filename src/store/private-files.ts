import { nodeCrypto } from '../core/lazy-crypto.js';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Every file octo creates is private whatever the umask: the folder 0700, the file 0600. The mode
 * passed to mkdir/open is filtered by the umask, so it is set again explicitly afterwards.
 */
export function ensurePrivateDir(dir: string): void {
  const made = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (made !== undefined) chmodSync(dir, 0o700);
}

/** Creates `file` (0600) if it does not exist; returns true when it did the creating. */
export function ensurePrivateFile(file: string): boolean {
  ensurePrivateDir(dirname(file));
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  closeSync(fd);
  chmodSync(file, 0o600);
  return true;
}

/**
 * A name beside `file` for a file being written before it is moved or linked into place: in the
 * same folder, so that the rename or link is atomic.
 */
export function tempBeside(file: string): string {
  return `${file}.${process.pid}.${nodeCrypto().randomBytes(6).toString('hex')}.tmp`;
}
