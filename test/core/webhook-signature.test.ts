import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backoffDelay, isSuccess, nextStep } from '../../src/core/retry-policy.js';
import { parseEventList, parseEventType } from '../../src/core/webhook-events.js';
import { parseSignatureHeader, signatureHeader, verifySignature } from '../../src/core/webhook-signature.js';

// Recomputed from the SPEC text, not with the module under test: HMAC-SHA256 keyed with the
// secret over the bytes "<t>.<raw body>", in hex.
const hex = (secret: string, t: number, body: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

const SECRET = 'octo_wh_TestSecretTestSecretTestSecret00aaaaaa';
const OLD = 'octo_wh_OldSecretOldSecretOldSecretOld00bbbbbb';
const BODY = '{"id":"evt_1","type":"message.sent","created":1700000000,"data":{"x":"é"}}';
const T = 1_700_000_000;
const good = `t=${T},v1=${hex(SECRET, T, BODY)}`;

describe('signatureHeader', () => {
  it('is t=<seconds>,v1=<hex> as SPEC §9 says', () => {
    expect(signatureHeader([SECRET], T, BODY)).toBe(good);
  });
  it('carries one v1= per secret, in the order given', () => {
    expect(signatureHeader([SECRET, OLD], T, BODY)).toBe(`${good},v1=${hex(OLD, T, BODY)}`);
  });
  it('signs the raw bytes (a Buffer and its string agree)', () => {
    expect(signatureHeader([SECRET], T, Buffer.from(BODY, 'utf8'))).toBe(good);
  });
});

describe('verifySignature', () => {
  type Row = [string, { header: string; body?: string; secrets?: string[]; now?: number; toleranceS?: number }, string | null];
  const rows: Row[] = [
    ['a good signature', { header: good }, null],
    ['the second of two v1 (rotation grace)', { header: `t=${T},v1=${hex(OLD, T, BODY)},v1=${hex(SECRET, T, BODY)}` }, null],
    ['the old secret among the receiver secrets', { header: `t=${T},v1=${hex(OLD, T, BODY)}`, secrets: [SECRET, OLD] }, null],
    ['spaces after commas', { header: `t=${T}, v1=${hex(SECRET, T, BODY)}` }, null],
    ['upper-case hex', { header: `t=${T},v1=${hex(SECRET, T, BODY).toUpperCase()}` }, null],
    ['an unknown scheme beside v1', { header: `t=${T},v0=abc,v1=${hex(SECRET, T, BODY)}` }, null],
    ['exactly at the tolerance', { header: good, now: T + 300 }, null],
    ['a stale one with the check off (tolerance 0)', { header: good, now: T + 100_000, toleranceS: 0 }, null],
    ['a tampered body', { header: good, body: BODY.replace('sent', 'read') }, 'bad_signature'],
    ['one byte more in the body', { header: good, body: BODY + '\n' }, 'bad_signature'],
    ['another secret', { header: good, secrets: [OLD] }, 'bad_signature'],
    ['a signature for another t', { header: `t=${T + 1},v1=${hex(SECRET, T, BODY)}` }, 'bad_signature'],
    ['tampered and stale: the signature is told first', { header: good, body: '{}', now: T + 10_000 }, 'bad_signature'],
    ['one second past the tolerance', { header: good, now: T + 301 }, 'timestamp_out_of_tolerance'],
    ['from the future (clock skew)', { header: good, now: T - 301 }, 'timestamp_out_of_tolerance'],
    ['a custom tolerance', { header: good, now: T + 61, toleranceS: 60 }, 'timestamp_out_of_tolerance'],
    ['an empty header', { header: '' }, 'malformed_header'],
    ['no t', { header: `v1=${hex(SECRET, T, BODY)}` }, 'malformed_header'],
    ['no v1', { header: `t=${T}` }, 'malformed_header'],
    ['two t', { header: `t=${T},t=${T},v1=${hex(SECRET, T, BODY)}` }, 'malformed_header'],
    ['t not whole seconds', { header: `t=${T}.5,v1=${hex(SECRET, T, BODY)}` }, 'malformed_header'],
    ['t negative', { header: `t=-1,v1=${hex(SECRET, T, BODY)}` }, 'malformed_header'],
    ['t in milliseconds is out of tolerance, not malformed', { header: `t=${T * 1000},v1=${hex(SECRET, T * 1000, BODY)}` }, 'timestamp_out_of_tolerance'],
    ['v1 too short', { header: `t=${T},v1=${hex(SECRET, T, BODY).slice(1)}` }, 'malformed_header'],
    ['v1 not hex', { header: `t=${T},v1=${'z'.repeat(64)}` }, 'malformed_header'],
    ['an item without =', { header: `t=${T},v1` }, 'malformed_header'],
    ['a Bearer token instead', { header: `Bearer ${SECRET}` }, 'malformed_header'],
  ];
  it.each(rows)('%s', (_name, input, reason) => {
    const verdict = verifySignature({
      header: input.header, rawBody: input.body ?? BODY, secrets: input.secrets ?? [SECRET], now: input.now ?? T,
      ...(input.toleranceS !== undefined ? { toleranceS: input.toleranceS } : {}),
    });
    expect(verdict).toEqual(reason === null ? { valid: true, reason: null } : { valid: false, reason });
  });

  it('parses every v1 into 32 bytes', () => {
    expect(parseSignatureHeader(`t=${T},v1=${'ab'.repeat(32)},v1=${'cd'.repeat(32)}`)?.v1.map((b) => b.length)).toEqual([32, 32]);
  });
});

describe('retry policy', () => {
  const policy = { retries: 3, baseMs: 100, maxMs: 500 };
  it.each([
    [1, 0, 50], [1, 1, 100], [2, 0, 100], [2, 1, 200], [3, 0.5, 300], [4, 1, 500], [10, 0, 250],
  ])('attempt %d with random %d waits %d ms', (attempt, r, ms) => expect(backoffDelay(attempt, policy, () => r)).toBe(ms));
  it('always waits longer than the previous whole step (gaps grow until the cap)', () => {
    for (let n = 1; n < 3; n++) expect(backoffDelay(n + 1, policy, () => 0)).toBeGreaterThanOrEqual(backoffDelay(n, policy, () => 0.999));
  });
  it.each([
    [1, true, { status: 'succeeded' }],
    [1, false, { status: 'pending', delayMs: 100 }],
    [3, false, { status: 'pending', delayMs: 400 }],
    [4, false, { status: 'failed' }],
    [4, true, { status: 'succeeded' }],
  ] as const)('attempt %d ok=%s → %j', (attempt, ok, step) => expect(nextStep(attempt, ok, policy, () => 1)).toEqual(step));
  it.each([[200, true], [204, true], [299, true], [301, false], [404, false], [500, false], [null, false]] as const)(
    'status %j counts as success: %s', (code, ok) => expect(isSuccess(code)).toBe(ok),
  );
});

describe('events', () => {
  it.each([
    [undefined, ['message.queued', 'message.sent', 'message.delivered']],
    ['message.delivered,message.queued', ['message.queued', 'message.delivered']],
    [' message.sent , message.sent', ['message.sent']],
  ])('--events %j → %j', (text, events) => expect(parseEventList(text)).toEqual(events));
  it.each(['', ',', 'message.read', 'webhook.test', 'message.sent,bogus'])('refuses --events %j (exit 2)', (text) => {
    expect(() => parseEventList(text)).toThrow(expect.objectContaining({ exitCode: 2, code: 'invalid_event' }));
  });
  it('tests with webhook.test unless told', () => {
    expect(parseEventType(undefined)).toBe('webhook.test');
    expect(parseEventType('message.sent')).toBe('message.sent');
    expect(() => parseEventType('message.read')).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});
