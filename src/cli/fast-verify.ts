import { parseArgs } from 'node:util';
import type { Session } from './session.js';
import { runVerify, VERIFY_FLAGS } from './verify.js';

/**
 * `octo keys verify` runs in CI loops, and its start-up is measured against a bare node start
 * (SPEC §10): commander alone costs about 10 ms to load. When argv is a plain `keys verify` call
 * whose flags are all known, it is parsed with node's own parseArgs and run directly. Anything else
 * (help, a typo, an unknown flag) returns false and goes through commander, so messages and exit
 * codes stay exactly those of the full command tree.
 */
export async function tryFastVerify(argv: string[], session: Session): Promise<boolean> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(2),
      allowPositionals: true,
      strict: true,
      options: {
        db: { type: 'string' },
        json: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        debug: { type: 'boolean' },
        ...Object.fromEntries(Object.keys(VERIFY_FLAGS).map((name) => [name, { type: 'string' as const }])),
      },
    });
  } catch {
    return false;
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== 'keys' || positionals[1] !== 'verify' || positionals.length > 3) return false;
  session.configure({ db: values.db, json: values.json, color: !values['no-color'], yes: values.yes, debug: values.debug }, 'keys verify');
  await runVerify(session, positionals[2], values);
  return true;
}
