import { describe, expect, it } from 'vitest';
import { OctoError } from '../../src/core/errors.js';
import { generateKey, maskKey } from '../../src/core/key-format.js';
import { Output } from '../../src/ui/output.js';

const key = generateKey('oct_live_');

/** What Output.error writes to stderr, for one error, in one mode. */
function printed(err: unknown, opts: { json: boolean; debug: boolean }): string {
  let text = '';
  const stderr = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  new Output({ ...opts, color: false, env: {}, stderr }).error(err);
  return text;
}

describe('Output.error never prints a key, whatever raised the error', () => {
  const errors: [string, unknown][] = [
    ['an expected error, in its message and hint', new OctoError('x', `no key with id "${key}"`, { hint: `try \`octo keys show ${key}\`` })],
    ['an unexpected error (a bug)', new Error(`boom near ${key}`)],
    ['a thrown string', `thrown ${key}`],
  ];
  for (const [name, err] of errors) {
    for (const mode of [{ json: false, debug: false }, { json: true, debug: false }, { json: false, debug: true }, { json: true, debug: true }]) {
      it(`${name} (${mode.json ? 'json' : 'text'}${mode.debug ? ', --debug' : ''})`, () => {
        const out = printed(err, mode);
        expect(out).toContain(maskKey(key));
        expect(out).not.toContain(key);
        expect(out).not.toContain(key.slice(-38));
        if (mode.json) expect(() => JSON.parse(out.split('\n')[0]!)).not.toThrow();
      });
    }
  }
});
