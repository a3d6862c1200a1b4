import { matchRoute, type OctopodsRoute, type Route, type ScopedRoute } from './endpoints.js';
import { keyAcceptance } from './key-acceptance.js';
import { hashKey, parseKey, type KeyKind } from './key-format.js';
import type { Channel, ChannelType, KeyRecord } from './model.js';
import { channelWarning, givenChannelId, noChannelWords, resolveChannel } from './decision-channel.js';
import { explainNotAKey } from './not-a-key.js';
import { outcomeFor, type Family, type FailReason, type Reason, type VerdictExtras, type VerdictWarning } from './outcomes.js';
import { bodyObject, checkPayload, type ParsedBody } from './payload.js';
import type { RateLimiter } from './rate-limit.js';
import { grants } from './scopes.js';

/**
 * The one decision behind `octo serve`, `POST /v1/keys/verify` and `octo keys verify` (SPEC §6, §7):
 * a request in, a verdict out, first failing check wins, in the order of the SPEC's tables. Pure: the
 * keystore and the rate-limit counters come in through small interfaces.
 */
export interface DecisionLookup {
  findKey(hash: Buffer): KeyRecord | undefined;
  /**
   * Optional: what each key text was identified as, kept only while `findKey` would answer the same
   * (the verifier drops it with its record cache), so that a key sent again is not parsed, checksummed
   * and hashed again. It lives in the verifier's memory only, as the request that carried the key did.
   */
  readonly identified?: Memo<Identified>;
  channel(id: string): Channel | undefined;
  /** The channels of one type in a workspace, or attached to a WABA. */
  channelsOf(owner: ChannelOwner, type: ChannelType): readonly Channel[];
}

export interface Memo<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
}

export type Identified = KeyRecord | 'malformed_key' | 'unknown_key' | 'wrong_key_family';

export type ChannelOwner = { workspaceId: string } | { wabaId: string };

export interface DecisionDeps {
  lookup: DecisionLookup;
  /** null: keep no counters. A dry run only peeks at them: it never answers 429, it warns. */
  limiter: RateLimiter | null;
}

/** Every value of each auth header, so that a repeated header is seen as such. */
export interface Credentials {
  octopodsAuth: readonly string[];
  authorization: readonly string[];
}

/** A real request: the body is parsed only when the endpoint reads it. */
export interface RequestInput {
  method: string;
  path: string;
  credentials: Credentials;
  body: () => ParsedBody;
  now: number;
}

/** `keys verify`: no body (payload rules are skipped), an optional channel, and no counters. */
export interface DryRunInput {
  key: string;
  endpoint: { method: string; path: string } | null;
  channelId: string | null;
  now: number;
}

export interface Verdict {
  valid: boolean;
  status: number;
  code: string;
  reason: Reason;
  message: string;
  key: KeyRecord | null;
  route: Route | null;
  /** The channel a message goes out on (Octopods message endpoints), once known. */
  channel: Channel | null;
  extras: VerdictExtras;
  /** What a real request would still need although this (dry-run) verdict holds; empty otherwise. */
  warnings: readonly VerdictWarning[];
  /** The next step, where only the decision knows it (real ids); else the renderer says it. */
  hint?: string;
}

/** A dry run collects its warnings here; a real request has none to collect. */
type Body =
  | { kind: 'request'; read: () => ParsedBody }
  | { kind: 'dry-run'; channelId: string | null; warnings: VerdictWarning[] };

const NO_WARNINGS: readonly VerdictWarning[] = [];

export function decideRequest(input: RequestInput, deps: DecisionDeps): Verdict {
  const match = matchRoute(input.method, input.path);
  if (match.kind === 'not_found') return fail('not_found', 'bearer', null, null, {});
  if (match.kind === 'method_not_allowed') return fail('method_not_allowed', 'bearer', null, null, { allow: match.allow });
  // Read at most once: the channel step and the payload step both look at the body.
  let parsed: ParsedBody | undefined;
  const read = () => (parsed ??= input.body());
  return decideRoute(match.route, input.credentials, { kind: 'request', read }, input.now, deps);
}

/** `limiter`: the verifier's counters, only looked at (a dry run from the CLI alone has none). */
export function decideDryRun(input: DryRunInput, lookup: DecisionLookup, limiter: RateLimiter | null = null): Verdict {
  const deps = { lookup, limiter };
  if (!input.endpoint) return decideKeyOnly(input.key, input.now, lookup);
  const match = matchRoute(input.endpoint.method, input.endpoint.path);
  if (match.kind === 'not_found') return fail('not_found', 'bearer', null, null, {});
  if (match.kind === 'method_not_allowed') return fail('method_not_allowed', 'bearer', null, null, { allow: match.allow });
  const route = match.route;
  const fam: Family = route.family === 'octopods' ? 'octopods' : 'bearer';
  // What was given is judged as a key, whatever the endpoint: a pasted `Bearer …` is a wrong key,
  // not a header octo built wrong. (The verifier's own routes take no key at all.)
  if (route.family !== 'server' && !parseKey(input.key).ok) return notAKey(input.key, fam, route);
  // The key goes where its endpoint expects it, so that the verdict is about the key, not the header.
  const credentials: Credentials = fam === 'octopods'
    ? { octopodsAuth: [input.key], authorization: [] }
    : { octopodsAuth: [], authorization: [`Bearer ${input.key}`] };
  const body: Body = { kind: 'dry-run', channelId: input.channelId, warnings: [] };
  const verdict = decideRoute(route, credentials, body, input.now, deps);
  if (body.warnings.length) verdict.warnings = body.warnings;
  return verdict;
}

function decideRoute(route: Route, credentials: Credentials, body: Body, now: number, deps: DecisionDeps): Verdict {
  switch (route.family) {
    case 'octopods':
      return decideOctopods(route, credentials, body, now, deps);
    case 'scoped':
      return decideScoped(route, credentials, body, now, deps);
    case 'server':
      // The verifier's own routes take no key.
      return ok(200, null, route, null, {});
  }
}

/** SPEC §6.1. */
function decideOctopods(route: OctopodsRoute, creds: Credentials, body: Body, now: number, deps: DecisionDeps): Verdict {
  const fam = 'octopods';
  const values = present(creds.octopodsAuth);
  if (values.length === 0) return fail(present(creds.authorization).length ? 'wrong_scheme' : 'missing_key', fam, null, route, {});
  if (values.length > 1) return fail('malformed_header', fam, null, route, {});
  if (/^bearer\s/i.test(values[0]!)) return fail('wrong_scheme', fam, null, route, {});
  const found = identify(values[0]!, deps.lookup);
  if (typeof found === 'string') return fail(found, fam, null, route, {});
  if (found.kind === 'bearer') return fail('wrong_key_family', fam, found, route, {});
  const stale = keyAcceptance(found, now).why;
  if (stale) return fail(stale, fam, found, route, {});
  if (!(route.kinds as readonly KeyKind[]).includes(found.kind) || (found.kind === 'channel' && found.channelType !== route.channelType)) {
    return fail('wrong_key_type', fam, found, route, { expected: route.expected });
  }
  let channel: Channel | null = null;
  let several = false;
  if (route.needsChannel) {
    const given = body.kind === 'dry-run' ? body.channelId : givenChannelId(body.read());
    const resolved = resolveChannel(found, route.channelType, given, deps.lookup);
    if (typeof resolved !== 'string') channel = resolved;
    else if (resolved === 'several') several = true;
    else return fail('wrong_channel', fam, found, route, {}, ...noChannelWords(resolved, found, route.channelType));
    if (several && body.kind === 'dry-run') body.warnings.push(channelWarning(found, route.channelType, deps.lookup));
  }
  const limited = rateLimit(found, now, deps, route, fam, body);
  if (limited) return limited;
  if (body.kind === 'request' && route.payload) {
    const parsed = body.read();
    const problem = !bodyObject(parsed)
      ? checkPayload(route.payload, parsed)
      : several
        ? { field: 'channel_id', message: `channel_id is required: this key serves several ${route.channelType} channels` }
        : checkPayload(route.payload, parsed);
    if (problem) return fail('invalid_request', fam, found, route, { field: problem.field }, problem.message);
  }
  return ok(route.success, found, route, channel, channel ? { channel_id: channel.id } : {});
}

/** SPEC §6.2. */
function decideScoped(route: ScopedRoute, creds: Credentials, body: Body, now: number, deps: DecisionDeps): Verdict {
  const fam = 'bearer';
  const values = present(creds.authorization);
  if (values.length === 0) return fail(present(creds.octopodsAuth).length ? 'wrong_scheme' : 'missing_key', fam, null, route, {});
  const bearer = values.length === 1 ? /^Bearer (\S+)$/.exec(values[0]!) : null;
  if (!bearer) return fail('malformed_header', fam, null, route, {});
  const found = identify(bearer[1]!, deps.lookup);
  if (typeof found === 'string') return fail(found, fam, null, route, {});
  if (found.kind !== 'bearer') return fail('wrong_key_family', fam, found, route, {});
  const stale = keyAcceptance(found, now).why;
  if (stale) return fail(stale, fam, found, route, {});
  if (route.liveOnly && found.env !== 'live') return fail('test_key_on_live_endpoint', fam, found, route, {});
  if (!grants(found.scopes, route.scope)) return fail('insufficient_scope', fam, found, route, { required_scope: route.scope });
  const limited = rateLimit(found, now, deps, route, fam, body);
  if (limited) return limited;
  return ok(200, found, route, null, { livemode: found.env === 'live', scope: route.scope });
}

/** `keys verify` without `--endpoint`: format, existence, status and expiry, answered as the key's family would. */
function decideKeyOnly(key: string, now: number, lookup: DecisionLookup): Verdict {
  const fam: Family = key.startsWith('octo_') ? 'octopods' : 'bearer';
  if (!parseKey(key).ok) return notAKey(key, fam, null);
  const found = identify(key, lookup);
  if (typeof found === 'string') return fail(found, fam, null, null, {});
  const family: Family = found.kind === 'bearer' ? 'bearer' : 'octopods';
  const stale = keyAcceptance(found, now).why;
  if (stale) return fail(stale, family, found, null, {});
  return ok(200, found, null, null, {});
}

function identify(key: string, lookup: DecisionLookup): Identified {
  const memo = lookup.identified;
  if (!memo) return identifyNow(key, lookup);
  let found = memo.get(key);
  if (found === undefined) {
    found = identifyNow(key, lookup);
    // Not a malformed value: that answer costs no hashing, and it may be any length.
    if (found !== 'malformed_key') memo.set(key, found);
  }
  return found;
}

/** Format and checksum first (no keystore), then the lookup by hash (SPEC §6.1 step 2, §6.2 step 2). */
function identifyNow(key: string, lookup: DecisionLookup): Identified {
  const parsed = parseKey(key);
  if (!parsed.ok) return 'malformed_key';
  // A webhook signing secret has a valid checksum but is never an API key of either family.
  if (parsed.info.family === 'webhook') return 'wrong_key_family';
  return lookup.findKey(hashKey(key)) ?? 'unknown_key';
}

function rateLimit(key: KeyRecord, now: number, deps: DecisionDeps, route: Route, fam: Family, body: Body): Verdict | null {
  const { limiter } = deps;
  if (!limiter || !key.rateLimit) return null;
  if (body.kind === 'dry-run') {
    const peeked = limiter.peek(key.id, key.rateLimit, now);
    if (!peeked.ok) {
      const { limit, window_s: window } = key.rateLimit;
      body.warnings.push({
        code: 'rate_limited',
        message: `This key is at its rate limit (${limit} per ${window} s): a real request now is refused with 429 rate_limited; retry after ${peeked.retryAfter} s`,
      });
    }
    return null;
  }
  const taken = limiter.take(key.id, key.rateLimit, now);
  return taken.ok ? null : fail('rate_limited', fam, key, route, { retry_after: taken.retryAfter });
}

/** An empty header value counts as no header. */
function present(values: readonly string[]): readonly string[] {
  return values.length === 1 && values[0] === '' ? [] : values;
}

/** A dry run given something that is not a key: `malformed_key`, in words that say what it was. */
function notAKey(text: string, family: Family, route: Route | null): Verdict {
  const what = explainNotAKey(text);
  return fail('malformed_key', family, null, route, {}, what.message, what.hint);
}

function fail(
  reason: FailReason, family: Family, key: KeyRecord | null, route: Route | null, extras: VerdictExtras, message?: string, hint?: string,
): Verdict {
  const outcome = outcomeFor(reason, family);
  const verdict: Verdict = {
    valid: false, status: outcome.status, code: outcome.code, reason,
    message: message ?? outcome.message(extras), key, route, channel: null, extras, warnings: NO_WARNINGS,
  };
  if (hint !== undefined) verdict.hint = hint;
  return verdict;
}

function ok(status: number, key: KeyRecord | null, route: Route | null, channel: Channel | null, extras: VerdictExtras): Verdict {
  return { valid: true, status, code: 'ok', reason: 'ok', message: 'accepted', key, route, channel, extras, warnings: NO_WARNINGS };
}
