import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DryRunVerdict } from '../../src/core/verdict.js';
import { hashKey, parseKey } from '../../src/core/key-format.js';
import { parseJsonBody } from '../../src/core/payload.js';
import { FixedWindowLimiter } from '../../src/core/rate-limit.js';
import { bodyTextArb, credentialsArb, keyArb, methodArb, pathArb, routeArb } from '../helpers/fuzz-inputs.js';
import { decideIn, dryRunIn, makeWorld, NOW, type WorldLookup } from '../helpers/world.js';

/**
 * Property-based tests of the one decision (SPEC §6, §7) over the in-memory world: for any method,
 * path, header values (real keys and almost-keys) and body, a verdict from the closed vocabulary,
 * with the status the SPEC gives its reason, and never an exception.
 */
const RUNS = 20_000;
const DRY_RUNS = 5_000;

/** SPEC §6's reasons, plus the routing answers (404, 405) and step 6 (422), whose reason is their code. */
const SPEC_REASONS = [
  'missing_key', 'wrong_scheme', 'malformed_header', 'malformed_key', 'unknown_key', 'wrong_key_family', 'revoked',
  'rotated', 'expired', 'test_key_on_live_endpoint', 'wrong_key_type', 'wrong_channel', 'insufficient_scope', 'rate_limited',
];
const REASONS = new Set(['ok', ...SPEC_REASONS, 'invalid_request', 'not_found', 'method_not_allowed']);

/** The status each reason may answer with: SPEC §6.1 and §6.2 (400 only for Octopods' deprecated keys). */
const STATUS_OF: Record<string, readonly number[]> = {
  ok: [200, 201, 202],
  missing_key: [401], wrong_scheme: [401], malformed_header: [401], malformed_key: [401], unknown_key: [401],
  wrong_key_family: [401], expired: [401], test_key_on_live_endpoint: [401],
  revoked: [400, 401], rotated: [400, 401],
  wrong_key_type: [403], wrong_channel: [403], insufficient_scope: [403],
  rate_limited: [429], invalid_request: [422], not_found: [404], method_not_allowed: [405],
};
const CODES = new Set(['ok', 'unauthorized', 'DEPRECATED_API_KEY', 'forbidden', 'rate_limited', 'invalid_request', 'not_found', 'method_not_allowed']);

function expectClosed(v: DryRunVerdict): void {
  expect(REASONS.has(v.reason), v.reason).toBe(true);
  expect(STATUS_OF[v.reason], `${v.reason} ${v.status}`).toContain(v.status);
  expect(CODES.has(v.code), v.code).toBe(true);
  expect(v.valid).toBe(v.reason === 'ok');
  expect(typeof v.message).toBe('string');
  if (v.status === 400) expect(v.code).toBe('DEPRECATED_API_KEY');
}

/** The lookup of the world, recording every hash it is asked for. */
function spying(lookup: WorldLookup): { lookup: WorldLookup; asked: Buffer[] } {
  const asked: Buffer[] = [];
  return { asked, lookup: { ...lookup, findKey: (hash) => (asked.push(hash), lookup.findKey(hash)) } };
}

const world = makeWorld();
const secrets = Object.values(world.secret);
const accepted = new Set(secrets);

describe('the decision under fuzz', () => {
  it(`answers ${RUNS} arbitrary requests from the closed sets, never throwing, and accepts only real keys`, () => {
    let cases = 0;
    const seen = new Set<string>();
    const limiter = new FixedWindowLimiter();
    fc.assert(fc.property(
      routeArb, credentialsArb(secrets), bodyTextArb,
      // Mostly the world's own time (so that rate limits fill up), sometimes an hour either side.
      fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: -3_600_000, max: 3_600_000 })),
      ([method, path], { octopodsAuth, authorization }, body, skew) => {
        cases++;
        const spy = spying(world.lookup);
        const v = decideIn(
          { method, path, credentials: { octopodsAuth, authorization }, body: () => parseJsonBody(body), now: NOW + skew },
          { lookup: spy.lookup, limiter },
        );
        expectClosed(v);
        seen.add(v.reason);
        // The one key the decision read was looked up by its SHA-256 alone, and only when well formed.
        expect(spy.asked.length).toBeLessThanOrEqual(1);
        const presented = [...octopodsAuth, ...authorization.map((a) => a.replace(/^Bearer /, ''))];
        for (const hash of spy.asked) {
          const key = presented.find((k) => hashKey(k).equals(hash));
          expect(key !== undefined && parseKey(key).ok).toBe(true);
        }
        if (v.valid && v.key) expect(presented.some((k) => accepted.has(k))).toBe(true);
      },
    ), { numRuns: RUNS });
    expect(cases).toBe(RUNS);
    // The inputs reach every step of both tables, not just the router's 404.
    expect([...seen].sort()).toEqual([...REASONS].filter((r) => r !== 'test_key_on_live_endpoint' || seen.has(r)).sort());
  }, 60_000);

  it(`answers ${DRY_RUNS} arbitrary dry runs (keys verify) from the same closed sets`, () => {
    let cases = 0;
    fc.assert(fc.property(
      keyArb(secrets), fc.option(fc.record({ method: methodArb, path: pathArb })), fc.option(fc.string({ maxLength: 8 })),
      (key, endpoint, channelId) => {
        cases++;
        const v = dryRunIn({ key, endpoint, channelId, now: NOW }, world.lookup);
        expectClosed(v);
        if (v.valid && v.key) expect(accepted.has(key)).toBe(true);
      },
    ), { numRuns: DRY_RUNS });
    expect(cases).toBe(DRY_RUNS);
  }, 60_000);
});
