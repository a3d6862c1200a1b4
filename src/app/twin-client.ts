import { OctoError } from '../core/errors.js';
import type { JournalEntry, OutboxMessage } from '../core/twin.js';
import { verifierUrl } from './verifier-probe.js';

/**
 * Where `octo messages` and `octo requests` read the local twin (SPEC §12): the keystore, where
 * `octo serve` writes it (app/twin-keystore.ts), or a running verifier asked over HTTP (here),
 * which is the only way to reach an `--ephemeral` one.
 */
export interface TwinSource {
  /** What to look at when nothing arrived (a `messages wait` that timed out with no refusal to name). */
  readonly idleHint: string;
  listMessages(query: TwinQuery): Promise<OutboxMessage[]>;
  /** The newest matching message, as soon as the verifier has accepted it, or null after `timeoutMs`. */
  waitForMessage(query: TwinQuery, timeoutMs: number): Promise<OutboxMessage | null>;
  listRequests(query: TwinQuery): Promise<JournalPage>;
  /**
   * Follows the journal: every entry journaled after the call (oldest first), until `signal` aborts.
   * `backlog` entries already there are given first.
   */
  tailRequests(query: TwinQuery, backlog: number, onEntry: (entry: JournalEntry) => void, signal: AbortSignal): Promise<void>;
}

/**
 * A running `octo serve`: `--server URL`, else `$OCTO_SERVER`; `$OCTO_ADMIN_TOKEN` is sent as
 * `Authorization: Bearer` when set, for a verifier behind a port mapping.
 */
export interface TwinServer {
  url: URL;
  token: string | null;
}

/** The verifier named by `--server` or `$OCTO_SERVER`; null when neither is set (read the keystore). */
export function namedTwinServer(flag: string | undefined, env: NodeJS.ProcessEnv): TwinServer | null {
  const url = flag ?? (env.OCTO_SERVER || undefined);
  if (url === undefined) return null;
  const token = env.OCTO_ADMIN_TOKEN;
  return { url: verifierUrl(url), token: token ? token : null };
}

/** The TwinSource of a running verifier. */
export function serverTwin(server: TwinServer): TwinSource {
  return {
    idleHint: 'is the application sending to this verifier? `octo requests list` shows what it received',
    listMessages: (query) => listMessages(server, query),
    waitForMessage: (query, timeoutMs) => waitForMessage(server, query, timeoutMs),
    listRequests: (query) => listRequests(server, query),
    tailRequests: (query, backlog, onEntry, signal) => tailRequests(server, query, backlog, onEntry, signal),
  };
}

/** Query parameters of `GET /_octo/messages` and `/_octo/requests`, unset ones left out. */
export type TwinQuery = Record<string, string | number | undefined>;

/** How long one long poll may last: under the server's cap, and well under any proxy's idle timeout. */
const POLL_MS = 25_000;

export async function listMessages(server: TwinServer, query: TwinQuery): Promise<OutboxMessage[]> {
  return ((await ask(server, 'messages', query)) as { messages: OutboxMessage[] }).messages;
}

/**
 * The newest matching message, as soon as the verifier has accepted it (a long poll: no interval
 * to wait out), or null after `timeoutMs`. A verifier not up yet is asked again until the deadline,
 * so that a CI step may start waiting while `octo serve` is still starting.
 */
export async function waitForMessage(server: TwinServer, query: TwinQuery, timeoutMs: number): Promise<OutboxMessage | null> {
  const deadline = Date.now() + timeoutMs;
  let unreachable: OctoError | null = null;
  for (;;) {
    const left = deadline - Date.now();
    try {
      const [found] = await listMessages(server, { ...query, limit: 1, wait_ms: Math.max(0, Math.min(left, POLL_MS)) });
      unreachable = null;
      if (found) return found;
    } catch (err) {
      if (!(err instanceof OctoError) || err.code !== 'server_unreachable') throw err;
      unreachable = err;
      await sleep(Math.min(100, Math.max(0, left)));
    }
    if (Date.now() >= deadline) {
      if (unreachable) throw unreachable;
      return null;
    }
  }
}

export interface JournalPage {
  requests: JournalEntry[];
  /** The newest seq the verifier has journaled. */
  last: number;
}

export async function listRequests(server: TwinServer, query: TwinQuery, signal?: AbortSignal): Promise<JournalPage> {
  return (await ask(server, 'requests', query, signal)) as JournalPage;
}

/** TwinSource.tailRequests, by long polls. */
export async function tailRequests(
  server: TwinServer, query: TwinQuery, backlog: number, onEntry: (entry: JournalEntry) => void, signal: AbortSignal,
): Promise<void> {
  const first = await listRequests(server, { ...query, limit: backlog > 0 ? backlog : 1 });
  if (backlog > 0) for (const entry of first.requests.reverse()) onEntry(entry);
  let after = first.last;
  // Each poll asks for everything after `after`: a limit there would keep only the newest of
  // entries journaled between two polls, and the others would be skipped for good.
  const follow: TwinQuery = { ...query, limit: undefined };
  while (!signal.aborted) {
    let page: JournalPage;
    try {
      page = await listRequests(server, { ...follow, after, wait_ms: POLL_MS }, signal);
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    // A reset starts the journal over: follow from where it is now.
    if (page.last < after) after = 0;
    for (const entry of page.requests.reverse()) {
      onEntry(entry);
      after = Math.max(after, entry.seq);
    }
    if (page.requests.length === 0) after = Math.max(after, page.last);
  }
}

async function ask(server: TwinServer, route: 'messages' | 'requests', query: TwinQuery, signal?: AbortSignal): Promise<unknown> {
  const url = new URL(`/_octo/${route}`, server.url);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
  let response: Response;
  try {
    response = await fetch(url, {
      headers: server.token ? { authorization: `Bearer ${server.token}` } : {},
      redirect: 'manual',
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new OctoError('server_unreachable', `cannot reach the verifier at ${url.origin} (${cause?.code ?? cause?.message ?? (err as Error).message})`, {
      hint: 'start it with `octo serve`, or pass the URL it printed to --server (without --server or OCTO_SERVER, octo reads what serve wrote to the keystore)',
    });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (response.status === 200 && body !== null) return body;
  const error = (body as { error?: string; reason?: string } | null);
  const hint = error?.reason === 'not_loopback'
    ? 'set OCTO_ADMIN_TOKEN to the token the verifier was started with (--admin-token)'
    : response.status === 404 ? 'is --server the URL `octo serve` printed? (an older octo has no /_octo routes)' : 'see the verifier\'s log';
  throw new OctoError('server_error', `the verifier at ${url.origin} answered ${response.status}${error?.error ? `: ${error.error}` : ''}`, { hint });
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
