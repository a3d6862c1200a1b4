import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { OctoError } from '../core/errors.js';
import { ensurePrivateFile } from './private-files.js';

/**
 * The master key that seals viewable secrets (SPEC §4): base64 of 32 bytes, from $OCTO_MASTER_KEY
 * or the file at `path`, which is created (0600) with a fresh random key on first use.
 */
export function loadMasterKey(env: NodeJS.ProcessEnv, path: string): Buffer {
  if (env.OCTO_MASTER_KEY !== undefined && env.OCTO_MASTER_KEY !== '') {
    return decode(env.OCTO_MASTER_KEY, 'OCTO_MASTER_KEY');
  }
  try {
    if (ensurePrivateFile(path)) writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
    const text = readFileSync(path, 'utf8');
    // A racing process may have created the file a moment before writing it: wait for the content.
    return decode(text.length === 0 ? retryRead(path) : text, path);
  } catch (err) {
    if (err instanceof OctoError) throw err;
    throw new OctoError('master_key_unreadable', `cannot read or create the master key file ${path}`, {
      hint: 'set OCTO_MASTER_KEY to base64 of 32 bytes (e.g. `openssl rand -base64 32`) or fix the file permissions',
    });
  }
}

function retryRead(path: string): string {
  for (let i = 0; i < 50; i++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    const text = readFileSync(path, 'utf8');
    if (text.length > 0) return text;
  }
  return '';
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
