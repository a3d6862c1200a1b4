import { Option, type Command } from 'commander';
import { parseDuration } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { act, type Session } from './session.js';

export function registerServe(program: Command, session: Session): void {
  program.command('serve')
    .description('run the local verifier: answers HTTP requests the way the real APIs do')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = a free port)', '8787')
    .option('--webhook-retries <n>', 'retries after a failed webhook delivery (exponential backoff)', '5')
    .option('--ui', 'also serve the dashboard at / (keys, channels, request log, webhooks, audit)')
    .addOption(new Option('--admin-token <token>', 'token the dashboard asks for; required with --ui beyond loopback').env('OCTO_ADMIN_TOKEN'))
    .addHelpText('after', `
The first line on stdout is "listening on http://HOST:PORT" ({"event":"listening","url":…} with --json),
then one line per request: method, path, status, key id, reason, milliseconds (never the key).
Each accepted message is delivered to the workspace's webhooks as message.queued, message.sent and
message.delivered (see \`octo webhooks --help\`), off the request path, retried with backoff.
With --ui, the dashboard is served at http://HOST:PORT/ on the same keystore (the second line names
it); every change made there goes through the same rules and audit log as the CLI, with the actor
ui:<actor>. Listening beyond loopback with --ui requires --admin-token (or OCTO_ADMIN_TOKEN).
SIGINT or SIGTERM: finish in-flight requests, record last-used times, exit 0; webhook deliveries not
yet made stay in the keystore and resume at the next start.

Examples:
  $ octo serve
  $ octo serve --port 0 --json
  $ octo serve --ui            # then open http://127.0.0.1:8787/
  $ curl -X POST http://127.0.0.1:8787/api/v1/sms/messages -H "X-Octopods-Auth: $KEY" \\
      -H 'Content-Type: application/json' -d '{"destination_phone":"+15551234567","body":"Hello"}'`)
    .action(act(session, async (opts: Record<string, unknown>) => {
      const port = parsePort(opts.port as string);
      const retries = parseRetries(opts.webhookRetries as string);
      const timeouts = serverTimeouts(session.env);
      const host = opts.host as string;
      const adminToken = checkAdminToken(opts.adminToken as string | undefined, host, opts.ui === true);
      const ctx = session.ctx;
      const { out } = session;
      // Loaded only here, so that no other command pays for the server and delivery code.
      const [{ runServer }, { WebhookDispatcher }, { formatDispatchLog }] = await Promise.all([
        import('../server/serve.js'), import('../app/webhook-dispatcher.js'), import('../ui/render-webhooks.js'),
      ]);
      const store = await ctx.keystore();
      // The dashboard is loaded only with --ui: without it, none of its paths exist.
      const dashboard = opts.ui === true
        ? (await import('../dashboard/dashboard.js')).createDashboard({
          ctx, changeCounter: () => store.changeCounter(), host, adminToken,
          onError: (err) => out.warn(`dashboard error: ${err instanceof Error ? err.message : String(err)}`),
        })
        : undefined;
      const dispatcher = new WebhookDispatcher(ctx, {
        retries,
        log: (entry) => {
          if (out.json) out.jsonLine(entry);
          else out.line(formatDispatchLog(entry, out.c));
          dashboard?.deliveryRecorded();
        },
      });
      dispatcher.start();
      try {
        await runServer({
          store, out, now: () => ctx.now(), host, port, timeouts,
          onMessageAccepted: (m) => dispatcher.messageAccepted(m),
          ...(dashboard ? { extension: dashboard } : {}),
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

/**
 * The dashboard reveals keys: beyond loopback anyone on the network could open it, so there it
 * needs a token. The token itself is never printed or logged.
 */
function checkAdminToken(token: string | undefined, host: string, ui: boolean): string | null {
  if (token !== undefined && token.trim() === '') {
    throw new UsageError('--admin-token is empty', 'pass a long random token, e.g. --admin-token "$(openssl rand -hex 24)", or set OCTO_ADMIN_TOKEN');
  }
  if (ui && token === undefined && !isLoopbackHost(host)) {
    throw new UsageError(
      `--ui on ${host} would show keys to other machines without asking anything`,
      'pass --admin-token TOKEN (or set OCTO_ADMIN_TOKEN), or listen on loopback (--host 127.0.0.1)',
    );
  }
  return token ?? null;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function parseRetries(text: string): number {
  if (!/^\d{1,2}$/.test(text)) {
    throw new UsageError(`invalid --webhook-retries "${text}"`, 'pass a whole number of retries from 0 to 99, e.g. --webhook-retries 5');
  }
  return Number(text);
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535) {
    throw new UsageError(`invalid --port "${text}"`, 'pass a port from 0 to 65535 (0 picks a free port), e.g. --port 8787');
  }
  return Number(text);
}
