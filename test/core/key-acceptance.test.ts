import { describe, expect, it } from 'vitest';
import { keyAcceptance } from '../../src/core/key-acceptance.js';
import { generateKey, hashKey } from '../../src/core/key-format.js';
import { keyBreaches } from '../../src/core/key-policy.js';
import { keyView, type KeyRecord } from '../../src/core/model.js';
import { dryRunIn, type WorldLookup } from '../helpers/world.js';

/**
 * The one rule "is this key still accepted, and why not", one row per case, and the proof that the
 * listing (keyView's status), the decision (keys verify, serve) and `keys check` all answer from it.
 */
const NOW = 1_000_000_000_000;
const H = 3_600_000;

function record(over: Partial<KeyRecord>): KeyRecord {
  return {
    id: 'key_x', kind: 'bearer', name: 'n', env: 'live', subject: null, workspaceId: null, channelType: null, scopes: null,
    state: 'active', masked: 'm', createdAt: NOW - 100 * 24 * H, expiresAt: null, revokedAt: null, revokedReason: null,
    graceUntil: null, lastUsedAt: null, replacedBy: null, replaces: null, rateLimit: null, ...over,
  };
}

type Row = [string, Partial<KeyRecord>, boolean, string, string | null];

const ROWS: Row[] = [
  ['active', {}, true, 'active', null],
  ['active, expiring later', { expiresAt: NOW + 1 }, true, 'active', null],
  ['active, expiring this very millisecond', { expiresAt: NOW }, false, 'expired', 'expired'],
  ['active, expired', { expiresAt: NOW - H }, false, 'expired', 'expired'],
  ['rotated inside its grace', { state: 'rotated', graceUntil: NOW + 1 }, true, 'rotated', null],
  ['rotated, grace ending this very millisecond', { state: 'rotated', graceUntil: NOW }, false, 'rotated', 'rotated'],
  ['rotated, grace over', { state: 'rotated', graceUntil: NOW - H }, false, 'rotated', 'rotated'],
  ['rotated without grace', { state: 'rotated', graceUntil: null }, false, 'rotated', 'rotated'],
  // An expiry ends a grace early...
  ['rotated inside its grace but expired', { state: 'rotated', graceUntil: NOW + H, expiresAt: NOW - 1 }, false, 'expired', 'expired'],
  ['rotated inside its grace, expiring later', { state: 'rotated', graceUntil: NOW + H, expiresAt: NOW + 2 * H }, true, 'rotated', null],
  // ...but a key retired by rotation is told to move to its successor, not that it expired.
  ['rotated, grace over, and expired', { state: 'rotated', graceUntil: NOW - 2 * H, expiresAt: NOW - H }, false, 'rotated', 'rotated'],
  ['revoked', { state: 'revoked', revokedAt: NOW - H }, false, 'revoked', 'revoked'],
  ['revoked and expired', { state: 'revoked', revokedAt: NOW - 2 * H, expiresAt: NOW - H }, false, 'revoked', 'revoked'],
  ['revoked during a grace', { state: 'revoked', revokedAt: NOW - H, graceUntil: NOW + H }, false, 'revoked', 'revoked'],
];

describe('keyAcceptance', () => {
  it.each(ROWS)('%s → accepted %s, status %s, why %s', (_name, over, accepted, status, why) => {
    expect(keyAcceptance(record(over), NOW)).toEqual({ accepted, status, why });
  });

  it('answers with shared objects, so that the verifier allocates nothing for it', () => {
    expect(keyAcceptance(record({}), NOW)).toBe(keyAcceptance(record({ expiresAt: NOW + 1 }), NOW));
    expect(keyAcceptance(record({ state: 'revoked' }), NOW)).toBe(keyAcceptance(record({ state: 'revoked', expiresAt: 0 }), NOW));
  });
});

describe('every surface answers from the one rule', () => {
  const key = generateKey('oct_live_');
  const lookupOf = (rec: KeyRecord): WorldLookup => ({
    findKey: (hash) => (hash.equals(hashKey(key)) ? rec : undefined),
    channel: () => undefined,
    channelsOf: () => [],
  });

  it.each(ROWS)('%s: the listing, keys verify, serve and keys check agree', (_name, over, accepted, status, why) => {
    const rec = record(over);
    expect(keyView(rec, NOW).status).toBe(status);
    const keyOnly = dryRunIn({ key, endpoint: null, channelId: null, now: NOW }, lookupOf(rec));
    const atEndpoint = dryRunIn({ key, endpoint: { method: 'GET', path: '/v1/posts' }, channelId: null, now: NOW }, lookupOf(rec));
    for (const v of [keyOnly, atEndpoint]) expect([v.valid, v.reason]).toEqual([accepted, why ?? 'ok']);
    // keys check judges active keys only: this one is over its max age, so only an active one breaches.
    const breaches = keyBreaches(rec, { maxAge: { seconds: 90 * 86_400, text: '90d' } }, NOW);
    expect(breaches.length > 0).toBe(status === 'active');
  });
});
