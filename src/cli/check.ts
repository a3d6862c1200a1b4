import type { Command } from 'commander';
import { checkKeys } from '../app/check.js';
import { parseDuration } from '../core/duration.js';
import type { KeyPolicy, PolicyLimit } from '../core/key-policy.js';
import { printViolations } from '../ui/render-leaks.js';
import { act, type Session } from './session.js';

interface CheckOpts {
  maxAge: string;
  expiringWithin?: string;
  unusedFor?: string;
}

export function registerCheck(keys: Command, session: Session): void {
  const { out } = session;
  keys.command('check')
    .description('a policy gate for pipelines: active keys too old, expiring soon, or unused')
    .option('--max-age <duration>', 'active keys created longer ago than this', '90d')
    .option('--expiring-within <duration>', 'active keys that expire within this (off unless given)')
    .option('--unused-for <duration>', 'active keys not used for this long, counted from creation if never used (off unless given)')
    .addHelpText('after', `
Examples:
  $ octo keys check
  $ octo keys check --max-age 30d --expiring-within 7d --unused-for 30d --json

Exit codes: 0 every active key passes, 1 at least one violation, 2 usage error.`)
    .action(act(session, async (opts: CheckOpts) => {
      const policy: KeyPolicy = {
        maxAge: limit(opts.maxAge, '--max-age'),
        expiringWithin: opts.expiringWithin === undefined ? undefined : limit(opts.expiringWithin, '--expiring-within'),
        unusedFor: opts.unusedFor === undefined ? undefined : limit(opts.unusedFor, '--unused-for'),
      };
      const { checked, violations } = await checkKeys(session.ctx, policy);
      if (out.json) out.document({ violations, checked });
      else {
        await printViolations(out, violations, checked, policy);
      }
      if (violations.length > 0) session.exitCode = 1;
    }));
}

const limit = (text: string, flag: string): PolicyLimit => ({ seconds: parseDuration(text, flag), text });
