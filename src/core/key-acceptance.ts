import type { KeyRecord } from './model.js';

/**
 * "Is this key still accepted, and why not": the one rule behind a key's `status` in every listing,
 * the verifier's decision (SPEC §6.1 step 3, §6.2 step 2), `keys check` and `keys scan`.
 *
 * Where two apply, revoked wins, then rotated past its grace, then expired: the two deliberate acts
 * beat the clock, and the answer names the fix (a revoked key never comes back; a rotated one has a
 * successor to move to). An expiry still ends a grace period early: a rotated key inside its grace
 * but past `expires_at` is refused as expired.
 */
export type Refusal = 'revoked' | 'rotated' | 'expired';

export type Acceptance =
  | { readonly accepted: true; readonly status: 'active' | 'rotated'; readonly why: null }
  | { readonly accepted: false; readonly status: Refusal; readonly why: Refusal };

// Shared answers: the decision asks this on every request, and allocates nothing for it.
const ACTIVE: Acceptance = { accepted: true, status: 'active', why: null };
const IN_GRACE: Acceptance = { accepted: true, status: 'rotated', why: null };
const REVOKED: Acceptance = { accepted: false, status: 'revoked', why: 'revoked' };
const ROTATED: Acceptance = { accepted: false, status: 'rotated', why: 'rotated' };
const EXPIRED: Acceptance = { accepted: false, status: 'expired', why: 'expired' };

export function keyAcceptance(key: Pick<KeyRecord, 'state' | 'expiresAt' | 'graceUntil'>, now: number): Acceptance {
  if (key.state === 'revoked') return REVOKED;
  if (key.state === 'rotated' && (key.graceUntil === null || key.graceUntil <= now)) return ROTATED;
  if (key.expiresAt !== null && key.expiresAt <= now) return EXPIRED;
  return key.state === 'rotated' ? IN_GRACE : ACTIVE;
}

