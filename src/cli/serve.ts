import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { act, type Session } from './session.js';

export function registerServe(program: Command, session: Session): void {
  program.command('serve')
    .description('run the local verifier: answers HTTP requests the way the real APIs do')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = a free port)', '8787')
    .addHelpText('after', `
The first line on stdout is "listening on http://HOST:PORT" ({"event":"listening","url":…} with --json),
then one line per request: method, path, status, key id, reason, milliseconds (never the key).
SIGINT or SIGTERM: finish in-flight requests, record last-used times, exit 0.

Examples:
  $ octo serve
  $ octo serve --port 0 --json
  $ curl -X POST http://127.0.0.1:8787/api/v1/sms/messages -H "X-Octopods-Auth: $KEY" \\
      -H 'Content-Type: application/json' -d '{"destination_phone":"+15551234567","body":"Hello"}'`)
    .action(act(session, async (opts: Record<string, unknown>) => {
      const port = parsePort(opts.port as string);
      const ctx = session.ctx;
      // Loaded only here, so that no other command pays for the server code.
      const { runServer } = await import('../server/serve.js');
      await runServer({ store: ctx.store, out: session.out, now: () => ctx.now(), host: opts.host as string, port });
    }));
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535) {
    throw new UsageError(`invalid --port "${text}"`, 'pass a port from 0 to 65535 (0 picks a free port), e.g. --port 8787');
  }
  return Number(text);
}
