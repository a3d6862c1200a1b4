import { createHash, timingSafeEqual } from 'node:crypto';
import { parseDuration } from '../core/duration.js';
import type { Later } from './handler.js';
import { isStatusPattern, type JournalFilter, type RequestJournal } from './journal.js';
import type { MessageFilter, Outbox } from './outbox.js';
import type { HandlerResponse, PeerInfo, RequestHeaders } from './types.js';

/**
 * The verifier's admin routes (SPEC §12): `GET /_octo/messages`, `GET /_octo/requests`,
 * `POST /_octo/reset`. They, and `POST /v1/keys/verify`, answer a client on this machine, or one
 * that sends `Authorization: Bearer <admin token>`; anyone else gets 403 `not_loopback`.
 *
 * Two long-poll parameters beyond SPEC §12 let the CLI follow without polling: `wait_ms` (answer
 * as soon as there is something, or after that long, at most MAX_WAIT_MS) and, for requests,
 * `after` (the `seq` of the last entry seen).
 */
export interface AdminOptions {
  outbox: Outbox;
  journal: RequestJournal;
  /** `--admin-token` / `$OCTO_ADMIN_TOKEN`; null: loopback clients only. */
  token: string | null;
  /** Puts the keystore back to the fixtures (nothing when serve has none). */
  reset: () => Later<void>;
}

export const MAX_WAIT_MS = 60_000;

export const ADMIN_PREFIX = '/_octo/';

const JSON_TYPE = 'application/json; charset=utf-8';

export class AdminRoutes {
  private readonly tokenDigest: Buffer | null;

  constructor(private readonly opts: AdminOptions) {
    this.tokenDigest = opts.token === null ? null : digest(opts.token);
  }

  /** Loopback, or the admin token presented as `Authorization: Bearer TOKEN`. */
  allows(headers: RequestHeaders, peer: PeerInfo): boolean {
    return peer.loopback || tokenMatches(this.tokenDigest, headers.authorization);
  }

  refusal(what: string): HandlerResponse {
    const hint = this.tokenDigest === null ? 'start octo serve with --admin-token (or OCTO_ADMIN_TOKEN) to let others in' : 'send Authorization: Bearer <the admin token>';
    return json(403, { error: `${what} answers clients on this machine only, or ones with the admin token (${hint})`, code: 'forbidden', reason: 'not_loopback' });
  }

  handle(method: string, path: string, rawPath: string, headers: RequestHeaders, peer: PeerInfo): Later<HandlerResponse> {
    if (!this.allows(headers, peer)) return this.refusal(path);
    const route = path.slice(ADMIN_PREFIX.length);
    const query = new URLSearchParams(rawPath.length > path.length ? rawPath.slice(path.length + 1) : '');
    if (route === 'messages' || route === 'requests') {
      if (method !== 'GET' && method !== 'HEAD') return notAllowed(['GET', 'HEAD']);
      return route === 'messages' ? this.messages(query) : this.requests(query);
    }
    if (route === 'reset') {
      if (method !== 'POST') return notAllowed(['POST']);
      return this.reset();
    }
    return json(404, { error: `no admin route ${path}: there are GET /_octo/messages, GET /_octo/requests, POST /_octo/reset`, code: 'not_found', reason: 'not_found' });
  }

  private messages(query: URLSearchParams): Later<HandlerResponse> {
    const filter: MessageFilter = {};
    const to = query.get('to');
    const channel = query.get('channel');
    const contains = query.get('body_contains');
    if (to) filter.to = to;
    if (channel) filter.channel = channel;
    if (contains) filter.bodyContains = contains;
    const paging = pagingOf(query);
    if ('status' in paging) return paging;
    const { limit, wait } = paging;
    if (paging.since !== undefined) filter.since = paging.since;
    const { outbox } = this.opts;
    if (wait === 0) return json(200, { messages: outbox.list(filter, limit) });
    return outbox.wait(filter, wait).then(() => json(200, { messages: outbox.list(filter, limit) }));
  }

  private requests(query: URLSearchParams): Later<HandlerResponse> {
    const filter: JournalFilter = {};
    const status = query.get('status');
    const reason = query.get('reason');
    const after = query.get('after');
    if (status) {
      if (!isStatusPattern(status)) return invalid('status', 'status must be a status (401) or a class (4xx)');
      filter.status = status;
    }
    if (reason) filter.reason = reason;
    if (after) {
      if (!/^\d{1,15}$/.test(after)) return invalid('after', 'after must be the seq of a journal entry');
      filter.after = Number(after);
    }
    const paging = pagingOf(query);
    if ('status' in paging) return paging;
    const { limit, wait } = paging;
    if (paging.since !== undefined) filter.since = paging.since;
    const { journal } = this.opts;
    if (wait === 0) return json(200, { requests: journal.list(filter, limit), last: journal.last });
    return journal.wait(filter, wait).then(() => json(200, { requests: journal.list(filter, limit), last: journal.last }));
  }

  private reset(): Later<HandlerResponse> {
    const done = () => {
      this.opts.outbox.clear();
      this.opts.journal.clear();
      return json(200, { reset: true });
    };
    const restored = this.opts.reset();
    return restored instanceof Promise ? restored.then(done) : done();
  }

  /** At shutdown: no long poll keeps the server from closing. */
  release(): void {
    this.opts.outbox.release();
    this.opts.journal.release();
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compared as SHA-256 digests, so that the comparison takes the same time whatever was sent. */
export function tokenMatches(expected: Buffer | null, authorization: string | readonly string[] | undefined): boolean {
  if (expected === null || authorization === undefined) return false;
  const values = typeof authorization === 'string' ? [authorization] : authorization;
  if (values.length !== 1 || !values[0]!.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(values[0]!.slice(7)), expected);
}

function sinceOf(text: string | null): number | undefined | 'invalid' {
  if (!text) return undefined;
  if (/^\d+[smhdw]$/.test(text)) {
    try {
      return Date.now() - parseDuration(text, 'since') * 1000;
    } catch {
      return 'invalid';
    }
  }
  const at = /^\d{4}-\d\d-\d\dT/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? 'invalid' : at;
}

function limitOf(text: string | null): number | 'invalid' {
  if (!text) return Infinity;
  return /^[1-9]\d{0,8}$/.test(text) ? Number(text) : 'invalid';
}

function waitOf(text: string | null): number | 'invalid' {
  if (!text) return 0;
  return /^\d{1,6}$/.test(text) && Number(text) <= MAX_WAIT_MS ? Number(text) : 'invalid';
}

function invalid(field: string, error: string): HandlerResponse {
  return json(422, { error, code: 'invalid_request', reason: 'invalid_request', field });
}

function notAllowed(allow: string[]): HandlerResponse {
  const response = json(405, { error: `use ${allow.join(' or ')}`, code: 'method_not_allowed', reason: 'method_not_allowed' });
  response.headers.allow = allow.join(', ');
  return response;
}

function json(status: number, body: unknown): HandlerResponse {
  const reason = (body as { reason?: string }).reason ?? 'ok';
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body), keyId: null, reason };
}

/** `since`, `limit` and `wait_ms`, which both listings take: the values, or the 422 that refuses one. */
function pagingOf(query: URLSearchParams): { since: number | undefined; limit: number; wait: number } | HandlerResponse {
  const since = sinceOf(query.get('since'));
  if (since === 'invalid') return invalid('since', 'since must be a duration (5m, 1h) or an ISO 8601 time');
  const limit = limitOf(query.get('limit'));
  const wait = waitOf(query.get('wait_ms'));
  if (limit === 'invalid') return invalid('limit', 'limit must be a positive whole number');
  if (wait === 'invalid') return invalid('wait_ms', `wait_ms must be a whole number of milliseconds up to ${MAX_WAIT_MS}`);
  return { since, limit, wait };
}
