import { keyAcceptance } from './key-acceptance.js';
import type { KeyRecord } from './model.js';

/**
 * The rules of `octo keys check`, pure: a key record, the policy and the time in, the rules it
 * breaks out. Only active keys are judged: revoked, expired and rotated keys are already on their
 * way out, and an expired key is refused by the verifier anyway.
 */
export type PolicyRule = 'max-age' | 'expiring-within' | 'unused-for';

/** A limit in seconds, and as the user wrote it (`7d` stays `7d` in the report, not `1w`). */
export interface PolicyLimit {
  seconds: number;
  text: string;
}

export interface KeyPolicy {
  /** The seeds advise rotating production keys at least every 90 days. */
  maxAge: PolicyLimit;
  /** Undefined when the rule is off. */
  expiringWithin?: PolicyLimit | undefined;
  unusedFor?: PolicyLimit | undefined;
}

export interface RuleBreach {
  rule: PolicyRule;
  /** The limit as the user would write it, e.g. `90d`. */
  limit: string;
  detail: string;
}

const DAY = 86_400;

/** "3d", "5h", "12m", "40s": the coarsest unit, rounded down, for messages only. */
export function roughDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s >= DAY) return `${Math.floor(s / DAY)}d`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h`;
  if (s >= 60) return `${Math.floor(s / 60)}m`;
  return `${s}s`;
}

/**
 * The seconds left before an active key expires, when at most `within` are: what `keys check
 * --expiring-within` flags and `octo status` lists as expiring soon. null otherwise (no expiry, or
 * not active: an expired key is already refused).
 */
export function secondsToExpiry(key: Pick<KeyRecord, 'state' | 'expiresAt' | 'graceUntil'>, within: number, now: number): number | null {
  if (key.expiresAt === null || keyAcceptance(key, now).status !== 'active') return null;
  const left = (key.expiresAt - now) / 1000;
  return left <= within ? left : null;
}

export function keyBreaches(key: KeyRecord, policy: KeyPolicy, now: number): RuleBreach[] {
  if (keyAcceptance(key, now).status !== 'active') return [];
  const breaches: RuleBreach[] = [];
  const age = (now - key.createdAt) / 1000;
  if (age > policy.maxAge.seconds) {
    breaches.push({ rule: 'max-age', limit: policy.maxAge.text, detail: `created ${roughDuration(age)} ago` });
  }
  if (policy.expiringWithin !== undefined) {
    const left = secondsToExpiry(key, policy.expiringWithin.seconds, now);
    if (left !== null) breaches.push({ rule: 'expiring-within', limit: policy.expiringWithin.text, detail: `expires in ${roughDuration(left)}` });
  }
  if (policy.unusedFor !== undefined) {
    // A key never used counts from its creation: a new key is not "unused" on its first day.
    const since = (now - (key.lastUsedAt ?? key.createdAt)) / 1000;
    if (since > policy.unusedFor.seconds) {
      const detail = key.lastUsedAt === null ? `never used, created ${roughDuration(since)} ago` : `last used ${roughDuration(since)} ago`;
      breaches.push({ rule: 'unused-for', limit: policy.unusedFor.text, detail });
    }
  }
  return breaches;
}
