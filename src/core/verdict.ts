import type { OctopodsRoute, Route, ScopedRoute, ServerRoute } from './endpoints.js';
import type { Channel, KeyRecord } from './model.js';
import { outcomeFor, type Family, type FailReason, type VerdictExtras, type VerdictWarning } from './outcomes.js';

/**
 * What the decision (decision.ts) answers, one shape per kind of answer, so that what each holds is
 * said by its type: an accepted request always has its key and its route.
 */

/** The endpoints that take a key. */
export type KeyedRoute = OctopodsRoute | ScopedRoute;

export interface Answer {
  status: number;
  code: string;
  message: string;
  extras: VerdictExtras;
  /** What a real request would still need although this (dry-run) verdict holds; empty otherwise. */
  warnings: readonly VerdictWarning[];
  /** The next step, where only the decision knows it (real ids); else the renderer says it. */
  hint?: string;
}

/** Let through: always with the key that was judged and the endpoint it was judged for. */
export interface Accepted extends Answer {
  valid: true;
  reason: 'ok';
  key: KeyRecord;
  route: KeyedRoute;
  /** The channel a message goes out on (Octopods message endpoints). */
  channel: Channel | null;
}

export interface Refused extends Answer {
  valid: false;
  reason: FailReason;
  /** Once the key was identified: the request log names it, a dry run's hint is about it. */
  key: KeyRecord | null;
  route: Route | null;
  channel: null;
}

/** The verifier's own routes take no key (serve answers them before any decision). */
export interface Keyless extends Answer {
  valid: true;
  reason: 'ok';
  key: null;
  route: ServerRoute;
  channel: null;
}

/** `keys verify` without `--endpoint`: the key itself holds. */
export interface KeyHolds extends Answer {
  valid: true;
  reason: 'ok';
  key: KeyRecord;
  route: null;
  channel: null;
}

export type Verdict = Accepted | Refused | Keyless;
export type DryRunVerdict = Verdict | KeyHolds;

const NO_WARNINGS: readonly VerdictWarning[] = [];

export function fail(
  reason: FailReason, family: Family, key: KeyRecord | null, route: Route | null, extras: VerdictExtras, message?: string, hint?: string,
): Refused {
  const outcome = outcomeFor(reason, family);
  const verdict: Refused = {
    valid: false, status: outcome.status, code: outcome.code, reason,
    message: message ?? outcome.message(extras), key, route, channel: null, extras, warnings: NO_WARNINGS,
  };
  if (hint !== undefined) verdict.hint = hint;
  return verdict;
}

export function accept(status: number, key: KeyRecord, route: KeyedRoute, channel: Channel | null, extras: VerdictExtras): Accepted {
  return { valid: true, status, code: 'ok', reason: 'ok', message: 'accepted', key, route, channel, extras, warnings: NO_WARNINGS };
}

export function keyless(route: ServerRoute): Keyless {
  return { valid: true, status: 200, code: 'ok', reason: 'ok', message: 'accepted', key: null, route, channel: null, extras: {}, warnings: NO_WARNINGS };
}

export function keyHolds(key: KeyRecord): KeyHolds {
  return { valid: true, status: 200, code: 'ok', reason: 'ok', message: 'accepted', key, route: null, channel: null, extras: {}, warnings: NO_WARNINGS };
}
