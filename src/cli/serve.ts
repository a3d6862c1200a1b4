import type { Command } from 'commander';
import { parseDuration } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { DEFAULT_JOURNAL_SIZE } from '../server/journal.js';
import { DEFAULT_OUTBOX_SIZE } from '../server/outbox.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppContext } from '../app/context.js';
import { prepareFixtures, type ApplyResult } from '../app/fixtures.js';
import type { Fixtures } from '../core/fixtures.js';
import { loadFixtures } from './fixtures-file.js';
import { act, type Session } from './session.js';

export function registerServe(program: Command, session: Session): void {
  program.command('serve')
    .description('run the local verifier: answers HTTP requests the way the real APIs do')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = a free port)', '8787')
    .option('--webhook-retries <n>', 'retries after a failed webhook delivery (exponential backoff)', '5')
    .option('--outbox-size <n>', 'accepted messages kept for `octo messages` (oldest dropped; 0 = none)', String(DEFAULT_OUTBOX_SIZE))
    .option('--journal-size <n>', 'answered requests kept for `octo requests` (oldest dropped; 0 = none)', String(DEFAULT_JOURNAL_SIZE))
    .option('--fixtures <file>', 'apply this fixtures file (YAML or JSON) at start; POST /_octo/reset restores it')
    .option('--ephemeral', 'keep the keystore in a temporary file, removed at exit (a CI job needs no setup, no cleanup)')
    .option('--admin-token <token>', 'also answer /_octo/* and POST /v1/keys/verify for clients sending Authorization: Bearer TOKEN, and ask it of the dashboard (default: $OCTO_ADMIN_TOKEN)')
    .option('--ui', 'also serve the dashboard at / (keys, channels, request log, webhooks, audit); beyond loopback it needs --admin-token')
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
      const outboxSize = parseSize(opts.outboxSize as string, '--outbox-size');
      const journalSize = parseSize(opts.journalSize as string, '--journal-size');
      const adminToken = adminTokenOf(opts.adminToken as string | undefined, session.env);
      const ui = opts.ui === true;
      if (ui) requireTokenBeyondLoopback(opts.host as string, adminToken);
      const timeouts = serverTimeouts(session.env);
      const fixtures = opts.fixtures
        ? await loadFixtures(opts.fixtures as string, { label: `--fixtures ${opts.fixtures as string}`, hint: 'pass a YAML or JSON fixtures file (see `octo apply --help`)' })
        : null;
      // A private folder for the fixtures snapshot (and the whole keystore, when ephemeral).
      const dir = fixtures || opts.ephemeral ? mkdtempSync(join(tmpdir(), 'octo-serve-')) : null;
      const ctx = opts.ephemeral ? ephemeralContext(session.env, dir!) : session.ctx;
      try {
        await serveWith(session, ctx, opts, dir, fixtures, { port, retries, outboxSize, journalSize, adminToken, timeouts, ui });
      } finally {
        if (opts.ephemeral) await ctx.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    }));
}

interface ServeSettings {
  port: number;
  retries: number;
  outboxSize: number;
  journalSize: number;
  adminToken: string | null;
  timeouts: { headersMs?: number; requestMs?: number };
  /** --ui: the dashboard beside the verifier. */
  ui: boolean;
}

async function serveWith(session: Session, ctx: AppContext, opts: Record<string, unknown>, dir: string | null, fixtures: Fixtures | null, settings: ServeSettings): Promise<void> {
  const { port, retries, outboxSize, journalSize, adminToken, timeouts, ui } = settings;
  const { out } = session;
  // Loaded only here, so that no other command pays for the server and delivery code.
  const [{ runServer }, { WebhookDispatcher }, { formatDispatchLog }] = await Promise.all([
    import('../server/serve.js'), import('../app/webhook-dispatcher.js'), import('../ui/render-webhooks.js'),
  ]);
  // Applied before the first request, so that no request meets a half-applied world.
  const twin = dir ? await prepareFixtures(ctx, fixtures, dir) : null;
  const store = await ctx.keystore();
  // The dashboard is loaded only with --ui: without it, none of its paths exist.
  const dashboard = ui
    ? (await import('../dashboard/dashboard.js')).createDashboard({
      ctx, changeCounter: () => store.changeCounter(), host: opts.host as string, adminToken,
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
      store, out, now: () => ctx.now(), host: opts.host as string, port, timeouts,
      onMessageAccepted: (m) => dispatcher.messageAccepted(m),
      ...(dashboard ? { extension: dashboard } : {}),
      outboxSize, journalSize, adminToken, archive: opts.ephemeral !== true,
      ...(twin ? { reset: twin.reset } : {}),
      ...(twin?.result ? { onListening: () => reportFixtures(session, twin.result!) } : {}),
    });
  } finally {
    await dispatcher.stop();
  }
}

/** After the listening line: what the fixtures created, and the secrets generated for them (once). */
function reportFixtures(session: Session, result: ApplyResult): void {
  const { out } = session;
  if (out.json) return out.jsonLine({ event: 'fixtures', ...result });
  const { created, updated, unchanged } = result.applied;
  out.line(`fixtures: ${created.length} created, ${updated.length} updated, ${unchanged.length} unchanged`);
  for (const [name, secret] of Object.entries(result.secrets)) out.line(`secret of key ${name}: ${secret}`);
  for (const [name, secret] of Object.entries(result.webhook_secrets)) out.line(`signing secret of webhook ${name}: ${secret}`);
}

/** A keystore of this run alone, and a master key of its own unless one is given in the environment. */
function ephemeralContext(env: NodeJS.ProcessEnv, dir: string): AppContext {
  const path = join(dir, 'keystore.db');
  const own = { ...env, OCTO_DB: path, OCTO_MASTER_KEY: env.OCTO_MASTER_KEY || randomBytes(32).toString('base64') };
  return new AppContext(own, path, Date.now, 'creates');
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

/**
 * The dashboard reveals keys: beyond loopback anyone on the network could open it, so there it
 * needs the admin token. The token itself is never printed or logged.
 */
function requireTokenBeyondLoopback(host: string, adminToken: string | null): void {
  const loopback = host === 'localhost' || host === '::1' || host.startsWith('127.');
  if (loopback || adminToken !== null) return;
  throw new UsageError(
    `--ui on ${host} would show keys to other machines without asking anything`,
    'pass --admin-token TOKEN (or set OCTO_ADMIN_TOKEN), or listen on loopback (--host 127.0.0.1)',
  );
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535) {
    throw new UsageError(`invalid --port "${text}"`, 'pass a port from 0 to 65535 (0 picks a free port), e.g. --port 8787');
  }
  return Number(text);
}
