import { UsageError } from '../core/errors.js';

/**
 * A KEY_ID argument as given, or with `-` what standard input holds: a whole key read there never
 * appears in shell history or the process list (SPEC §4 asks this of `keys verify`).
 */
export async function keyArg(arg: string): Promise<string> {
  if (arg !== '-') return arg;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) {
    throw new UsageError('no key or key id on standard input', 'pipe the key in (e.g. `octo keys show - < key.txt`), or pass the key id', 'missing_argument');
  }
  return text;
}

export const KEY_REF = 'id, unique id prefix, the whole key, or - to read it from stdin';

/** Shown under each command that takes a KEY_ID: after a leak, the leaked key itself will do. */
export function keyRefHelp(example: string): string {
  return `
<key-id> is a key id (key_…), a unique prefix of one, or the whole key itself (found by its hash,
as the verifier finds it). With - it is read from standard input, so that a leaked key need not
appear in shell history or the process list:
  $ ${example}`;
}
