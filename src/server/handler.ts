import { KeystoreUnavailable, type DryRunRequest } from '../app/verify.js';
import type { Credentials } from '../core/decision.js';
import { parseEndpoint, pathOnly } from '../core/endpoints.js';
import { newId } from '../core/ids.js';
import { bodyObject, parseJsonBody, type ParsedBody } from '../core/payload.js';
import type { Accepted, Refused, Verdict } from '../core/verdict.js';
import { errorBody, type VerdictView } from '../core/verdict-view.js';
import { plain } from './refusals.js';
import { ADMIN_PREFIX, type AdminRoutes } from './admin.js';
import type { Outbox } from './outbox.js';
import type { AcceptedMessage, HandlerResponse, PeerInfo, RequestHeaders } from './types.js';

/**
 * The verifier as a pure function of (method, path, headers, body bytes): no socket, so that tests
 * call it directly (as Hono's `app.request`). The node:http adapter in http.ts only moves bytes.
 */
export interface HandlerDeps<V extends VerifierPort = VerifierPort> {
  verifier: V;
  now: () => number;
  onMessageAccepted?: (message: AcceptedMessage) => void;
  /** Where a throwing `onMessageAccepted` is reported. */
  onHookError?: (err: unknown) => void;
  /** Where the keystore's failure behind a 503 is reported (the client is told nothing of it). */
  onKeystoreError?: (err: unknown) => void;
  /** Keeps every accepted message (SPEC §12). */
  outbox?: Outbox;
  /** `/_octo/*`, and who may call them and `POST /v1/keys/verify`; without it, loopback clients only. */
  admin?: AdminRoutes;
}

/** A value now, or later: a verifier whose keystore is across a network may have to ask it first. */
export type Later<T> = T | Promise<T>;

/**
 * What the handler asks of the verifier (app/verify.ts): the decision, and the dry run. Either
 * throws (or rejects with) KeystoreUnavailable when the keystore cannot be read: answered 503.
 */
export interface VerifierPort {
  decide(method: string, path: string, credentials: Credentials, body: () => ParsedBody): Later<Verdict>;
  dryRun(request: DryRunRequest): Later<VerdictView>;
  /** Whether the keystore can be reached now (`/healthz`); absent: always. */
  healthy?(): Later<boolean>;
}

/** Answers at once: the verifier over SQLite always does. */
export interface SyncVerifier extends VerifierPort {
  decide(method: string, path: string, credentials: Credentials, body: () => ParsedBody): Verdict;
  dryRun(request: DryRunRequest): VerdictView;
}

type Handles<R> = (method: string, rawPath: string, headers: RequestHeaders, body: Uint8Array, peer?: PeerInfo) => R;
export type Handler = Handles<HandlerResponse>;
/** What the node:http adapter takes: an answer now, or a promise of one. */
export type LaterHandler = Handles<Later<HandlerResponse>>;

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * An answer comes back at once when the verifier's does, with no promise and no microtask on the way
 * (over SQLite, always); it is a promise only when the verifier's is.
 */
export function createHandler(deps: HandlerDeps<SyncVerifier>): Handler;
export function createHandler(deps: HandlerDeps): LaterHandler;
export function createHandler(deps: HandlerDeps): LaterHandler {
  return (method, rawPath, headers, bytes, peer = { loopback: true }) => {
    let parsed: ParsedBody | undefined;
    const body = () => (parsed ??= parseJsonBody(bytes));
    const path = pathOnly(rawPath);
    if (path === '/healthz' && (method === 'GET' || method === 'HEAD')) return health(deps);
    if (path === '/v1/keys/verify' && method === 'POST') return verifyRoute(deps, body(), headers, peer);
    // `/_octo/…`: its second character first, which no API path shares.
    if (deps.admin && path.charCodeAt(1) === 95 && path.startsWith(ADMIN_PREFIX)) return deps.admin.handle(method, path, rawPath, headers, peer);
    let verdict: Later<Verdict>;
    try {
      verdict = deps.verifier.decide(method, rawPath, credentialsOf(headers), body);
    } catch (err) {
      return keystoreUnavailable(deps, err);
    }
    return verdict instanceof Promise ? answerLater(deps, verdict, body) : answer(deps, verdict, body);
  };
}

// Apart, so that the function every request runs holds no closure of its own.
function answerLater(deps: HandlerDeps, verdict: Promise<Verdict>, body: () => ParsedBody): Promise<HandlerResponse> {
  return verdict.then((v) => answer(deps, v, body), (err: unknown) => keystoreUnavailable(deps, err));
}

/**
 * SPEC §11 "Fail closed": a verifier that cannot read its keystore cannot be sure of the key, so it
 * answers 503, never 2xx. The body names no location, path or driver message (a URL's password
 * could be in one); the server's log gets the cause. Any other error is a bug: rethrown (a 500).
 */
function keystoreUnavailable(deps: HandlerDeps, err: unknown): HandlerResponse {
  if (!(err instanceof KeystoreUnavailable)) throw err;
  deps.onKeystoreError?.(err);
  return plain(503, 'The keystore cannot be read now, so the key could not be checked; try again shortly', 'keystore_unavailable');
}

/**
 * `/healthz`: 503 while the keystore cannot be reached, so that a load balancer takes this verifier
 * out while it could only answer 503 to keys it is not sure of (SPEC §11). At once where it can tell.
 */
function health(deps: HandlerDeps): Later<HandlerResponse> {
  const healthy = deps.verifier.healthy?.() ?? true;
  return healthy instanceof Promise ? healthy.then(healthAnswer, () => healthAnswer(false)) : healthAnswer(healthy);
}

function healthAnswer(healthy: boolean): HandlerResponse {
  return healthy ? json(200, { status: 'ok' }, null, 'ok')
    : plain(503, 'The keystore cannot be reached now, so keys this verifier is not sure of are answered 503', 'keystore_unavailable');
}

function answer(deps: HandlerDeps, verdict: Verdict, body: () => ParsedBody): HandlerResponse {
  if (!verdict.valid) return failure(verdict);
  // The verifier's own routes take no key (answered above, unless a caller lets the decision see them).
  return verdict.key === null ? json(200, { status: 'ok' }, null, 'ok') : success(deps, verdict, body);
}

function credentialsOf(headers: RequestHeaders): Credentials {
  return { octopodsAuth: values(headers['x-octopods-auth']), authorization: values(headers.authorization) };
}

function values(v: string | readonly string[] | undefined): readonly string[] {
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
}

function failure(verdict: Refused): HandlerResponse {
  const response = json(verdict.status, errorBody(verdict), verdict.key?.id ?? null, verdict.reason);
  response.code = verdict.code;
  response.extras = verdict.extras;
  if (verdict.extras.allow) response.headers.allow = verdict.extras.allow.join(', ');
  if (verdict.extras.retry_after !== undefined) response.headers['retry-after'] = String(verdict.extras.retry_after);
  return response;
}

/** SPEC §6.1 step 7 and §6.2 step 6. */
function success(deps: HandlerDeps, verdict: Accepted, body: () => ParsedBody): HandlerResponse {
  const { key, route, channel } = verdict;
  if (route.family === 'scoped') return respond(200, scopedOkBody(key.id, key.env === 'live', route.scope), key.id, 'ok');
  const wabaId = key.subject?.id;
  // A message goes out on a channel: the decision found it.
  if (channel !== null) {
    const id = newId('msg');
    const at = deps.now();
    deps.outbox?.record(id, route.name, channel.id, channel.type, channel.workspaceId, textOf(body()), key.id, at);
    if (deps.onMessageAccepted) {
      const message: AcceptedMessage = {
        id, workspaceId: channel.workspaceId, channelId: channel.id, channelType: channel.type,
        endpoint: route.name, keyId: key.id, at,
      };
      notify(deps, message);
    }
    return respond(route.success, queuedBody(id, channel.id), key.id, 'ok');
  }
  // The templates API: octo keeps no templates, it answers the shapes an integration expects.
  if (route.method === 'GET') return json(200, { waba_id: wabaId, templates: [] }, key.id, 'ok');
  if (route.method === 'DELETE') return json(200, { name: route.param, deleted: true, waba_id: wabaId }, key.id, 'ok');
  const fields = bodyObject(body())!;
  // A template submitted for approval is kept as a message too: a test asserts on it the same way.
  deps.outbox?.record(newId('msg'), route.name, null, 'whatsapp', key.workspaceId, textOf(body()), key.id, deps.now());
  return json(201, { name: fields.name, language: fields.language, status: 'PENDING', waba_id: wabaId }, key.id, 'ok');
}

/**
 * Called at once, while the response is being made: the hook must only take note (the dispatcher
 * queues the message and writes it with others 10 ms later), since the client waits meanwhile. A
 * microtask per message, to run it after the response, cost more than the hook it deferred. A
 * throwing hook is reported and never fails the request.
 */
function notify(deps: HandlerDeps, message: AcceptedMessage): void {
  try {
    deps.onMessageAccepted!(message);
  } catch (err) {
    deps.onHookError?.(err);
  }
}

/** `POST /v1/keys/verify`: the dry-run verdict, for clients on this machine only. */
function verifyRoute(deps: HandlerDeps, body: ParsedBody, headers: RequestHeaders, peer: PeerInfo): Later<HandlerResponse> {
  if (deps.admin ? !deps.admin.allows(headers, peer) : !peer.loopback) {
    if (deps.admin) return deps.admin.refusal('POST /v1/keys/verify');
    return json(403, { error: 'POST /v1/keys/verify answers clients on this machine only', code: 'forbidden', reason: 'not_loopback' }, null, 'not_loopback');
  }
  const fields = bodyObject(body);
  const invalid = (field: string, error: string) => json(422, { error, code: 'invalid_request', reason: 'invalid_request', field }, null, 'invalid_request');
  if (!fields) return invalid('body', 'the request body must be a JSON object: {"key": "...", "endpoint": "METHOD /path"}');
  if (typeof fields.key !== 'string' || fields.key === '') return invalid('key', 'key must be a non-empty string');
  let endpoint: { method: string; path: string } | null = null;
  if (fields.endpoint !== undefined && fields.endpoint !== null) {
    endpoint = typeof fields.endpoint === 'string' ? parseEndpoint(fields.endpoint) : null;
    if (!endpoint) return invalid('endpoint', 'endpoint must be "METHOD /path", e.g. "POST /api/v1/sms/messages"');
  }
  const channelId = fields.channel_id;
  if (channelId !== undefined && channelId !== null && (typeof channelId !== 'string' || channelId === '')) {
    return invalid('channel_id', 'channel_id must be a non-empty string');
  }
  let view: Later<VerdictView>;
  try {
    view = deps.verifier.dryRun({ key: fields.key, endpoint, channelId: (channelId as string | undefined) ?? null });
  } catch (err) {
    return keystoreUnavailable(deps, err);
  }
  return view instanceof Promise ? view.then(viewResponse, (err: unknown) => keystoreUnavailable(deps, err)) : viewResponse(view);
}

/** An accepted message's body always parsed (its payload rule checked it). */
function textOf(body: ParsedBody): string {
  return body.ok ? body.text : '';
}

function viewResponse(view: VerdictView): HandlerResponse {
  return json(200, view, view.key?.id ?? null, view.reason);
}

function json(status: number, body: unknown, keyId: string | null, reason: string): HandlerResponse {
  return respond(status, JSON.stringify(body), keyId, reason);
}

function respond(status: number, body: string, keyId: string | null, reason: string): HandlerResponse {
  return { status, headers: { 'content-type': JSON_TYPE }, body, keyId, reason };
}

/**
 * The two answers given most often (a bearer key accepted, a message queued), written as text: the
 * same bytes as JSON.stringify of the object (tested), at a fifth of the cost on every request.
 */
export function scopedOkBody(keyId: string, livemode: boolean, scope: string): string {
  return `{"ok":true,"key_id":${JSON.stringify(keyId)},"livemode":${livemode},"scope":${JSON.stringify(scope)}}`;
}

export function queuedBody(id: string, channelId: string): string {
  // A message id is newId's prefix and base62 only: nothing in it needs escaping.
  return `{"id":"${id}","status":"queued","channel_id":${JSON.stringify(channelId)}}`;
}
