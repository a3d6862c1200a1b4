import type { Command } from 'commander';
import { parseDuration } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { DEFAULT_JOURNAL_SIZE } from '../server/journal.js';
import { DEFAULT_OUTBOX_SIZE } from '../server/outbox.js';
import { act, type Session } from './session.js';

export function registerServe(program: Command, session: Session): void {
  program.command('serve')
    .description('run the local verifier: answers HTTP requests the way the real APIs do')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = a free port)', '8787')
    .option('--webhook-retries <n>', 'retries after a failed webhook delivery (exponential backoff)', '5')
    .option('--outbox-size <n>', 'accepted messages kept for `octo messages` (oldest dropped; 0 = none)', String(DEFAULT_OUTBOX_SIZE))
    .option('--journal-size <n>', 'answered requests kept for `octo requests` (oldest dropped; 0 = none)', String(DEFAULT_JOURNAL_SIZE))
    .option('--admin-token <token>', 'also answer /_octo/* and POST /v1/keys/verify for clients sending Authorization: Bearer TOKEN (default: $OCTO_ADMIN_TOKEN)')
    .addHelpText('after', `
The first line on stdout is "listening on http://HOST:PORT" ({"event":"listening","url":…} with --json),
then one line per request: method, path, status, key id, reason, milliseconds (never the key).
Each accepted message is delivered to the workspace's webhooks as message.queued, message.sent and
message.delivered (see \`octo webhooks --help\`), off the request path, retried with backoff.
SIGINT or SIGTERM: finish in-flight requests, record last-used times, exit 0; webhook deliveries not
yet made stay in the keystore and resume at the next start.

Examples:
  $ octo serve
  $ octo serve --port 0 --json
  $ curl -X POST http://127.0.0.1:8787/api/v1/sms/messages -H "X-Octopods-Auth: $KEY" \\
      -H 'Content-Type: application/json' -d '{"destination_phone":"+15551234567","body":"Hello"}'`)
    .action(act(session, async (opts: Record<string, unknown>) => {
      const port = parsePort(opts.port as string);
      const retries = parseRetries(opts.webhookRetries as string);
      const outboxSize = parseSize(opts.outboxSize as string, '--outbox-size');
      const journalSize = parseSize(opts.journalSize as string, '--journal-size');
      const adminToken = adminTokenOf(opts.adminToken as string | undefined, session.env);
      const timeouts = serverTimeouts(session.env);
      const ctx = session.ctx;
      const { out } = session;
      // Loaded only here, so that no other command pays for the server and delivery code.
      const [{ runServer }, { WebhookDispatcher }, { formatDispatchLog }] = await Promise.all([
        import('../server/serve.js'), import('../app/webhook-dispatcher.js'), import('../ui/render-webhooks.js'),
      ]);
      const dispatcher = new WebhookDispatcher(ctx, {
        retries,
        log: (entry) => (out.json ? out.jsonLine(entry) : out.line(formatDispatchLog(entry, out.c))),
      });
      dispatcher.start();
      try {
        await runServer({
          store: ctx.store, out, now: () => ctx.now(), host: opts.host as string, port, timeouts,
          onMessageAccepted: (m) => dispatcher.messageAccepted(m),
          outboxSize, journalSize, adminToken,
        });
      } finally {
        await dispatcher.stop();
      }
    }));
}

/** `OCTO_SERVE_HEADERS_TIMEOUT` and `OCTO_SERVE_REQUEST_TIMEOUT` (durations such as 10s), mostly for tests. */
function serverTimeouts(env: NodeJS.ProcessEnv): { headersMs?: number; requestMs?: number } {
  const timeouts: { headersMs?: number; requestMs?: number } = {};
  const { OCTO_SERVE_HEADERS_TIMEOUT: headers, OCTO_SERVE_REQUEST_TIMEOUT: request } = env;
  if (headers) timeouts.headersMs = parseDuration(headers, 'OCTO_SERVE_HEADERS_TIMEOUT') * 1000;
  if (request) timeouts.requestMs = parseDuration(request, 'OCTO_SERVE_REQUEST_TIMEOUT') * 1000;
  return timeouts;
}

function parseRetries(text: string): number {
  if (!/^\d{1,2}$/.test(text)) {
    throw new UsageError(`invalid --webhook-retries "${text}"`, 'pass a whole number of retries from 0 to 99, e.g. --webhook-retries 5');
  }
  return Number(text);
}

/** The most a ring may hold: 10 million entries is a few GiB (README: memory). */
const MAX_SIZE = 10_000_000;

function parseSize(text: string, flag: string): number {
  if (!/^\d{1,8}$/.test(text) || Number(text) > MAX_SIZE) {
    throw new UsageError(`invalid ${flag} "${text}"`, `pass a whole number from 0 to ${MAX_SIZE}, e.g. ${flag} 10000`);
  }
  return Number(text);
}

function adminTokenOf(flag: string | undefined, env: NodeJS.ProcessEnv): string | null {
  const token = flag ?? env.OCTO_ADMIN_TOKEN;
  if (token === undefined || token === '') return null;
  // A short token behind a port mapping is a guessable password to the whole keystore.
  if (token.length < 16) {
    throw new UsageError('the admin token is too short', 'use at least 16 characters, e.g. --admin-token "$(openssl rand -hex 16)"');
  }
  return token;
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535) {
    throw new UsageError(`invalid --port "${text}"`, 'pass a port from 0 to 65535 (0 picks a free port), e.g. --port 8787');
  }
  return Number(text);
}
