import { Verifier } from '../app/verify.js';
import type { Keystore } from '../store/keystore.js';
import type { Output } from '../ui/output.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminRoutes } from './admin.js';
import { createHandler, type Later } from './handler.js';
import { RequestJournal } from './journal.js';
import { Outbox } from './outbox.js';
import { isLoopback, listen, type RequestLog, type ServerTimeouts } from './http.js';
import { RequestLogger } from './request-log.js';
import { TwinArchive } from './twin-archive.js';
import { YoungGenerationGovernor } from './young-generation.js';
import type { AcceptedMessage } from './types.js';

export interface ServeOptions {
  store: Keystore;
  out: Output;
  now: () => number;
  host: string;
  port: number;
  timeouts?: Partial<ServerTimeouts>;
  onMessageAccepted?: (message: AcceptedMessage) => void;
  /** Messages the outbox keeps (`--outbox-size`), requests the journal keeps (`--journal-size`). */
  outboxSize?: number;
  journalSize?: number;
  /**
   * Writes the outbox and the journal to the keystore as well (TwinArchive), for `octo messages`
   * and `octo requests` to read there. Off for an ephemeral keystore, which no other process reads.
   */
  archive?: boolean;
  /** `--admin-token` / `$OCTO_ADMIN_TOKEN`. */
  adminToken?: string | null;
  /** `POST /_octo/reset`: the keystore back to the fixtures. */
  reset?: () => Later<void>;
  /** Called right after the listening line (serve --fixtures reports what it applied). */
  onListening?: () => void;
  /** The dashboard (`--ui`), or anything else that serves paths of its own beside the verifier. */
  extension?: ServeExtension;
}

/**
 * What `serve` offers a companion on the same port: every request first (`intercept`), each
 * verifier request's log entry (`onRequest`, the same entry the request log prints, once the
 * journal holds it), the URL and the request journal once listening (`started` returns the line to print), and `close` before the server drains (it must
 * end its long-lived responses, or the drain waits for them).
 */
export interface ServeExtension {
  intercept(req: IncomingMessage, res: ServerResponse): boolean;
  onRequest(entry: RequestLog): void;
  /** `keystoreWritten`: to call after each change the extension makes through this process's keystore. */
  started(url: string, journal: RequestJournal, keystoreWritten: () => void): { line: string; json: Record<string, unknown> };
  close(): void;
}

/**
 * `octo serve`: listens, prints the address as the first line on stdout, logs each request, and on
 * SIGINT or SIGTERM stops accepting, lets in-flight requests finish, writes the pending
 * `last_used_at` times and returns (main then exits 0).
 */
export async function runServer(opts: ServeOptions): Promise<void> {
  const { out } = opts;
  const report = (what: string) => (err: unknown) => out.warn(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  const verifier = new Verifier(opts.store, opts.now, report('could not record last_used_at (will retry)'));
  const logger = new RequestLogger(out.stdout, out.json, out.c);
  const youngGeneration = new YoungGenerationGovernor();
  const outbox = new Outbox(opts.outboxSize);
  const journal = new RequestJournal(opts.journalSize);
  const archive = opts.archive
    ? new TwinArchive(opts.store.twin, outbox, journal, report('could not write the outbox and journal to the keystore (will retry)'))
    : null;
  const resetFixtures = opts.reset ?? (() => {});
  const reset = archive ? async () => { await resetFixtures(); await archive.clear(); } : resetFixtures;
  const admin = new AdminRoutes({ outbox, journal, token: opts.adminToken ?? null, reset });
  const handler = createHandler({
    verifier,
    now: opts.now,
    outbox,
    admin,
    ...(opts.onMessageAccepted ? { onMessageAccepted: opts.onMessageAccepted } : {}),
    onHookError: report('a message hook failed'),
    onKeystoreError: report('the keystore could not be read (answered 503)'),
  });
  // Before the listening line: a supervisor may send SIGTERM as soon as it reads that line, and a
  // signal with no handler yet would kill the process instead of stopping it gracefully.
  const stopSignal = nextSignal();
  // From here on a change committed by another process is seen by the next request (SPEC §11).
  await opts.store.followChanges();
  const { extension } = opts;
  const server = await listen({
    host: opts.host, port: opts.port, handler, onError: report('server error'),
    log: (entry) => {
      logger.log(entry);
      journal.record(entry, Date.now());
      extension?.onRequest(entry);
      youngGeneration.tick();
    },
    ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
    ...(extension ? { intercept: (req: IncomingMessage, res: ServerResponse) => extension.intercept(req, res) } : {}),
  });
  if (out.json) out.jsonLine({ event: 'listening', url: server.url });
  else out.line(`listening on ${server.url}`);
  if (extension) {
    const { line, json } = extension.started(server.url, journal, () => verifier.lookup.clear());
    if (out.json) out.jsonLine(json);
    else out.line(line);
  }
  opts.onListening?.();
  if (!isLoopbackHost(opts.host)) {
    const warning = `listening on ${opts.host}: other machines can reach this verifier`;
    // warn() is silent under --json, but an exposed verifier must never go unnoticed.
    if (out.json) out.stderr.write(JSON.stringify({ event: 'warning', message: warning }) + '\n');
    else out.warn(warning);
  }
  out.info('Press Ctrl-C to stop.');
  verifier.start();
  archive?.start();

  const signal = await stopSignal;
  // Lines of requests already answered go first: where stdout and stderr share a file (`> log 2>&1`),
  // the log then reads in the order things happened.
  logger.flush();
  out.info(`${signal}: finishing in-flight requests…`);
  extension?.close();
  const closed = server.close();
  admin.release();
  await closed;
  await archive?.stop();
  await verifier.stop();
  logger.close();
  if (out.json) out.jsonLine({ event: 'stopped', signal });
  else out.info('stopped');
}

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      // A second signal while draining falls back to the default: stop now.
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** A --host that only this machine can reach: the same addresses as a loopback peer, or localhost. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopback(host);
}
