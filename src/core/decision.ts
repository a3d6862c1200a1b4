import { matchRoute, type OctopodsRoute, type Route, type ScopedRoute } from './endpoints.js';
import { keyAcceptance } from './key-acceptance.js';
import { parseKey, type KeyKind } from './key-format.js';
import type { Channel, ChannelType, KeyRecord } from './model.js';
import { channelWarning, givenChannelId, noChannelWords, resolveChannel } from './decision-channel.js';
import { explainNotAKey } from './not-a-key.js';
import type { Family, VerdictWarning } from './outcomes.js';
import { bodyObject, checkPayload, type ParsedBody } from './payload.js';
import type { RateLimiter } from './rate-limit.js';
import { grants } from './scopes.js';
import { accept, fail, keyHolds, keyless, type DryRunVerdict, type KeyedRoute, type Accepted, type Refused, type Verdict } from './verdict.js';

/**
 * The one decision behind `octo serve`, `POST /v1/keys/verify` and `octo keys verify` (SPEC §6, §7),
 * first failing check wins, in the order of the SPEC's tables, in two halves around the one question
 * the keystore answers: `readRequest` / `readDryRun` route the request and read the key from its
 * header (step 1); the verifier then identifies that key (app/, which keeps what it learnt); and
 * `decideRequest` / `decideDryRun` judge the identified key (steps 2 to 7). Pure and synchronous:
 * what the keystore says comes in as values and through the small lookup of step 4.
 */
export interface DecisionLookup {
  channel(id: string): Channel | undefined;
  /** The channels of one type in a workspace, or attached to a WABA. */
  channelsOf(owner: ChannelOwner, type: ChannelType): readonly Channel[];
}

/** What a key text turned out to be: its record, or why there is none (SPEC §6.1 step 2, §6.2 step 2). */
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

/** `keys verify`: no body (payload rules are skipped), an optional channel, and no counters. */
export interface DryRunInput {
  key: string;
  endpoint: { method: string; path: string } | null;
  channelId: string | null;
}

/** A real request past step 1: the key it presents, for the verifier to identify. */
export class Presented {
  readonly kind = 'request';
  private parsed: ParsedBody | undefined = undefined;

  constructor(readonly route: KeyedRoute, readonly key: string, private readonly body: () => ParsedBody) {}

  /** Parsed only when the endpoint reads it, and at most once (the channel and payload steps both do). */
  read(): ParsedBody {
    return (this.parsed ??= this.body());
  }
}

/** A dry run past its first checks; it collects its warnings here. `route` null: no `--endpoint`. */
export class DryRunPresented {
  readonly kind = 'dry-run';
  readonly warnings: VerdictWarning[] = [];

  constructor(readonly route: KeyedRoute | null, readonly key: string, readonly channelId: string | null) {}
}

/** What step 1 passed on, from either kind of request. */
type Given = Presented | DryRunPresented;

/** Routing, then step 1 of SPEC §6.1 or §6.2: the key as its header carries it. */
export function readRequest(method: string, path: string, credentials: Credentials, body: () => ParsedBody): Verdict | Presented {
  const match = matchRoute(method, path);
  if (match.kind !== 'route') return unrouted(match);
  const route = match.route;
  if (route.family === 'server') return keyless(route);
  const key = route.family === 'octopods' ? octopodsKey(route, credentials) : bearerKey(route, credentials);
  return typeof key === 'string' ? new Presented(route, key, body) : key;
}

/** Steps 2 to 7, given what the key presented turned out to be. */
export function decideRequest(presented: Presented, found: Identified, now: number, deps: DecisionDeps): Accepted | Refused {
  return decideRoute(presented.route, presented, found, now, deps);
}

/**
 * What was given is judged as a key, whatever the endpoint: a pasted `Bearer …` is a wrong key, not
 * a header octo built wrong; so the key goes where its endpoint expects it, and the verdict is about
 * the key, not the header. (The verifier's own routes take no key at all.)
 */
export function readDryRun(input: DryRunInput): DryRunVerdict | DryRunPresented {
  if (!input.endpoint) {
    return parseKey(input.key).ok ? new DryRunPresented(null, input.key, null) : notAKey(input.key, familyOfText(input.key), null);
  }
  const match = matchRoute(input.endpoint.method, input.endpoint.path);
  if (match.kind !== 'route') return unrouted(match);
  const route = match.route;
  if (route.family === 'server') return keyless(route);
  if (!parseKey(input.key).ok) return notAKey(input.key, route.family === 'octopods' ? 'octopods' : 'bearer', route);
  return new DryRunPresented(route, input.key, input.channelId);
}

/** `limiter`: the verifier's counters, only looked at (a dry run from the CLI alone has none). */
export function decideDryRun(
  presented: DryRunPresented, found: Identified, now: number, lookup: DecisionLookup, limiter: RateLimiter | null = null,
): DryRunVerdict {
  if (presented.route === null) return decideKeyOnly(presented.key, found, now);
  const verdict = decideRoute(presented.route, presented, found, now, { lookup, limiter });
  if (presented.warnings.length) verdict.warnings = presented.warnings;
  return verdict;
}

function unrouted(match: { kind: 'not_found' } | { kind: 'method_not_allowed'; allow: readonly string[] }): Refused {
  return match.kind === 'not_found'
    ? fail('not_found', 'bearer', null, null, {})
    : fail('method_not_allowed', 'bearer', null, null, { allow: match.allow });
}

function decideRoute(route: KeyedRoute, given: Given, found: Identified, now: number, deps: DecisionDeps): Accepted | Refused {
  return route.family === 'octopods' ? decideOctopods(route, given, found, now, deps) : decideScoped(route, given, found, now, deps);
}

/** SPEC §6.1 step 1. */
function octopodsKey(route: OctopodsRoute, creds: Credentials): string | Refused {
  const values = present(creds.octopodsAuth);
  if (values.length === 0) return fail(present(creds.authorization).length ? 'wrong_scheme' : 'missing_key', 'octopods', null, route, {});
  if (values.length > 1) return fail('malformed_header', 'octopods', null, route, {});
  if (/^bearer\s/i.test(values[0]!)) return fail('wrong_scheme', 'octopods', null, route, {});
  return values[0]!;
}

/** SPEC §6.2 step 1. */
function bearerKey(route: ScopedRoute, creds: Credentials): string | Refused {
  const values = present(creds.authorization);
  if (values.length === 0) return fail(present(creds.octopodsAuth).length ? 'wrong_scheme' : 'missing_key', 'bearer', null, route, {});
  const bearer = values.length === 1 ? /^Bearer (\S+)$/.exec(values[0]!) : null;
  return bearer ? bearer[1]! : fail('malformed_header', 'bearer', null, route, {});
}

/** SPEC §6.1 steps 2 to 7. */
function decideOctopods(route: OctopodsRoute, given: Given, found: Identified, now: number, deps: DecisionDeps): Accepted | Refused {
  const fam = 'octopods';
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
    const named = given.kind === 'dry-run' ? given.channelId : givenChannelId(given.read());
    const resolved = resolveChannel(found, route.channelType, named, deps.lookup);
    if (typeof resolved !== 'string') channel = resolved;
    else if (resolved === 'several') several = true;
    else return fail('wrong_channel', fam, found, route, {}, ...noChannelWords(resolved, found, route.channelType));
    if (several && given.kind === 'dry-run') given.warnings.push(channelWarning(found, route.channelType, deps.lookup));
  }
  const limited = rateLimit(found, now, deps, route, fam, given);
  if (limited) return limited;
  if (given.kind === 'request' && route.payload) {
    const parsed = given.read();
    const problem = !bodyObject(parsed)
      ? checkPayload(route.payload, parsed)
      : several
        ? { field: 'channel_id', message: `channel_id is required: this key serves several ${route.channelType} channels` }
        : checkPayload(route.payload, parsed);
    if (problem) return fail('invalid_request', fam, found, route, { field: problem.field }, problem.message);
  }
  return accept(route.success, found, route, channel, channel ? { channel_id: channel.id } : {});
}

/** SPEC §6.2 steps 2 to 6. */
function decideScoped(route: ScopedRoute, given: Given, found: Identified, now: number, deps: DecisionDeps): Accepted | Refused {
  const fam = 'bearer';
  if (typeof found === 'string') return fail(found, fam, null, route, {});
  if (found.kind !== 'bearer') return fail('wrong_key_family', fam, found, route, {});
  const stale = keyAcceptance(found, now).why;
  if (stale) return fail(stale, fam, found, route, {});
  if (route.liveOnly && found.env !== 'live') return fail('test_key_on_live_endpoint', fam, found, route, {});
  if (!grants(found.scopes, route.scope)) return fail('insufficient_scope', fam, found, route, { required_scope: route.scope });
  const limited = rateLimit(found, now, deps, route, fam, given);
  if (limited) return limited;
  return accept(200, found, route, null, { livemode: found.env === 'live', scope: route.scope });
}

/** `keys verify` without `--endpoint`: format, existence, status and expiry, answered as the key's family would. */
function decideKeyOnly(key: string, found: Identified, now: number): DryRunVerdict {
  if (typeof found === 'string') return fail(found, familyOfText(key), null, null, {});
  const family: Family = found.kind === 'bearer' ? 'bearer' : 'octopods';
  const stale = keyAcceptance(found, now).why;
  if (stale) return fail(stale, family, found, null, {});
  return keyHolds(found);
}

const familyOfText = (key: string): Family => (key.startsWith('octo_') ? 'octopods' : 'bearer');

/** An accepted request that the shared window count then refused (SharedWindowGate.settle). */
export function rateLimitedAfter(accepted: Accepted, retryAfter: number): Refused {
  const fam: Family = accepted.route.family === 'scoped' ? 'bearer' : 'octopods';
  return fail('rate_limited', fam, accepted.key, accepted.route, { retry_after: retryAfter });
}

function rateLimit(key: KeyRecord, now: number, deps: DecisionDeps, route: Route, fam: Family, given: Given): Refused | null {
  const { limiter } = deps;
  if (!limiter || !key.rateLimit) return null;
  if (given.kind === 'dry-run') {
    const peeked = limiter.peek(key.id, key.rateLimit, now);
    if (!peeked.ok) {
      const { limit, window_s: window } = key.rateLimit;
      given.warnings.push({
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
function notAKey(text: string, family: Family, route: Route | null): Refused {
  const what = explainNotAKey(text);
  return fail('malformed_key', family, null, route, {}, what.message, what.hint);
}
