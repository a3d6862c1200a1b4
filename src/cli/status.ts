import type { Command } from 'commander';
import { collectStatus } from '../app/status.js';
import { DEFAULT_SERVER, verifierUrl } from '../app/verifier-probe.js';
import { parseDuration } from '../core/duration.js';
import { clipboardAvailable } from '../ui/clipboard.js';
import { printStatus } from '../ui/render-status.js';
import { act, type Session } from './session.js';

interface StatusOpts {
  server?: string;
  timeout: string;
}

export function registerStatus(program: Command, session: Session): void {
  const { out } = session;
  program.command('status')
    .description('which keystore and master key are in use, what the keystore holds, and whether a clipboard and a verifier are there')
    .option('--server <url>', `the verifier to probe with GET /healthz (default: ${DEFAULT_SERVER}); when given, a verifier that does not answer is a problem`)
    .option('--timeout <duration>', 'how long the clipboard and the verifier each have to answer', '1s')
    .addHelpText('after', `
Reads only: it never creates a keystore or a master key, nor migrates a keystore.

Examples:
  $ octo status
  $ octo status --json
  $ OCTO_DB=/srv/ci/keystore.db octo status --server http://127.0.0.1:9000

Exit codes: 0 everything a command needs is there (a keystore not created yet at the default
location counts as there: it reads as empty); 1 a problem, each printed as error: and hint: (a
keystore named by --db or OCTO_DB that does not exist or cannot be read, a PostgreSQL keystore,
a master key that is invalid, missing or does not open the keystore, a verifier named by --server
that is not up); 2 usage error. A clipboard that is missing, or a verifier at the default address
that is down, is reported but is no problem.`)
    .action(act(session, async (opts: StatusOpts) => {
      const server = verifierUrl(opts.server ?? DEFAULT_SERVER);
      const timeoutMs = parseDuration(opts.timeout, '--timeout') * 1000;
      const report = await collectStatus(session.ctx, {
        server,
        serverSource: opts.server === undefined ? 'default' : '--server',
        expiringWithin: { seconds: 7 * 86_400, text: '7d' },
        timeoutMs,
        clipboard: clipboardAvailable,
      });
      if (out.json) out.document(report);
      else printStatus(out, report, session.ctx.now());
      if (!report.ok) session.exitCode = 1;
    }));
}
