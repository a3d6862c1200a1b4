import { UsageError } from '../core/errors.js';
import type { Prompter } from '../ui/prompts.js';
import { readStdin } from './stdin.js';

/**
 * A KEY_ID argument as given, or with `-` the id or key from standard input, so that a whole key
 * never appears in shell history or the process list (SPEC §4 asks this of `keys verify`). On a
 * terminal it is asked for, hidden, so that it is not echoed and stdin stays open for a
 * confirmation; from a pipe, all of stdin is read.
 */
export async function keyArg(prompt: Prompter, arg: string): Promise<string> {
  if (arg !== '-') return arg;
  const text = prompt.interactive
    ? (await prompt.secret('Key or key id (hidden):', { what: 'key', flag: 'the key id' })).trim()
    : (await readStdin()).toString('utf8').trim();
  if (!text) {
    throw new UsageError(`no key or key id ${prompt.interactive ? 'given' : 'on standard input'}`, 'pipe the key in (e.g. `octo keys show - < key.txt`), or pass the key id', 'missing_argument');
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
