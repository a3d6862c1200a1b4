import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { maskStandardSecret, presentSecret, signingKeyOf, standardSecret } from '../../src/core/standard-secret.js';
import { standardSignature, verifyStandardSignature } from '../../src/core/standard-webhooks.js';
import { signatureHeader, verifySignature } from '../../src/core/webhook-signature.js';

// The oracle is the standardwebhooks library, not the module under test.
const SECRET = 'octo_wh_TestSecretTestSecretTestSecret00aaaaaa';
const OLD = 'octo_wh_OldSecretOldSecretOldSecretOld00bbbbbb';
const WHSEC = standardSecret(SECRET);
const BODY = '{"id":"evt_1","type":"message.sent","created":1700000000,"data":{"x":"é"}}';
const ID = 'dlv_1';
const T = 1_700_000_000;
const lib = (secret: string, id = ID, t = T, body = BODY) => new Webhook(standardSecret(secret)).sign(id, new Date(t * 1000), body);
const good = lib(SECRET);

describe('the whsec_ form of a secret', () => {
  it('is whsec_ + base64 of the octo_wh_ secret, and stands for the same HMAC key', () => {
    expect(WHSEC).toBe('whsec_' + Buffer.from(SECRET).toString('base64'));
    expect(signingKeyOf(WHSEC)).toEqual(Buffer.from(SECRET));
    expect(signingKeyOf(SECRET)).toEqual(Buffer.from(SECRET));
    // One key, two schemes: the octo scheme keyed with the decoded whsec_ agrees with the secret itself.
    expect(signatureHeader([signingKeyOf(WHSEC)!], T, BODY)).toBe(signatureHeader([SECRET], T, BODY));
  });
  it.each(['whsec_', 'whsec_abc', 'whsec_ab*=', 'whsec_abcd=='])('refuses %s (not padded base64)', (s) => {
    expect(signingKeyOf(s)).toBeNull();
  });
  it('is masked by its last eight characters, which stand for the secret\'s last four', () => {
    expect(maskStandardSecret(WHSEC)).toBe(`whsec_…${WHSEC.slice(-8)}`);
    expect(Buffer.from(WHSEC.slice(-8), 'base64').toString()).toBe(SECRET.slice(-4));
    expect(presentSecret('octo', SECRET)).toEqual({ secret: SECRET, masked: 'octo_wh_Test…aaaa' });
    expect(presentSecret('standard-webhooks', SECRET)).toEqual({ secret: WHSEC, masked: maskStandardSecret(WHSEC) });
  });
});

describe('standardSignature', () => {
  it('is what the library signs: v1,<base64>', () => {
    expect(standardSignature([SECRET], ID, T, BODY)).toBe(good);
    expect(standardSignature([SECRET], ID, T, Buffer.from(BODY))).toBe(good);
  });
  it('carries one v1, per secret, space-separated, in the order given', () => {
    expect(standardSignature([SECRET, OLD], ID, T, BODY)).toBe(`${good} ${lib(OLD)}`);
  });
});

describe('verifyStandardSignature', () => {
  type Row = [string, { id?: string; timestamp?: string; signature: string; body?: string; secrets?: (string | Buffer)[]; now?: number; toleranceS?: number }, string | null];
  const rows: Row[] = [
    ['a good signature', { signature: good }, null],
    ['the second of two (rotation grace)', { signature: `${lib(OLD)} ${good}` }, null],
    ['the old secret among the receiver secrets', { signature: lib(OLD), secrets: [SECRET, OLD] }, null],
    ['the key given as decoded whsec_ bytes', { signature: good, secrets: [signingKeyOf(WHSEC)!] }, null],
    ['an asymmetric v1a beside v1', { signature: `v1a,${'A'.repeat(86)}== ${good}` }, null],
    ['extra spaces between signatures', { signature: `  ${lib(OLD)}   ${good} ` }, null],
    ['exactly at the tolerance', { signature: good, now: T + 300 }, null],
    ['a stale one with the check off (tolerance 0)', { signature: good, now: T + 100_000, toleranceS: 0 }, null],
    ['a tampered body', { signature: good, body: BODY.replace('sent', 'read') }, 'bad_signature'],
    ['another id', { signature: good, id: 'dlv_2' }, 'bad_signature'],
    ['another timestamp', { signature: good, timestamp: String(T + 1) }, 'bad_signature'],
    ['another secret', { signature: good, secrets: [OLD] }, 'bad_signature'],
    ['tampered and stale: the signature is told first', { signature: good, body: '{}', now: T + 10_000 }, 'bad_signature'],
    ['one second past the tolerance', { signature: good, now: T + 301 }, 'timestamp_out_of_tolerance'],
    ['from the future (clock skew)', { signature: good, now: T - 301 }, 'timestamp_out_of_tolerance'],
    ['an empty signature', { signature: '' }, 'malformed_header'],
    ['only v1a', { signature: `v1a,${'A'.repeat(86)}==` }, 'malformed_header'],
    ['v1 without padding', { signature: good.replace(/=$/, '') }, 'malformed_header'],
    ['v1 of 31 bytes', { signature: `v1,${Buffer.alloc(31).toString('base64')}` }, 'malformed_header'],
    ['an item without a comma', { signature: `${good} v1` }, 'malformed_header'],
    ['the octo header instead', { signature: signatureHeader([SECRET], T, BODY) }, 'malformed_header'],
    ['an empty id', { signature: good, id: '' }, 'malformed_header'],
    ['a timestamp in ISO 8601', { signature: good, timestamp: '2023-11-14T22:13:20Z' }, 'malformed_header'],
    ['a negative timestamp', { signature: good, timestamp: '-1' }, 'malformed_header'],
  ];
  it.each(rows)('%s', (_name, input, reason) => {
    const verdict = verifyStandardSignature({
      headers: { id: input.id ?? ID, timestamp: input.timestamp ?? String(T), signature: input.signature },
      rawBody: input.body ?? BODY,
      secrets: input.secrets ?? [SECRET],
      now: input.now ?? T,
      ...(input.toleranceS !== undefined ? { toleranceS: input.toleranceS } : {}),
    });
    expect(verdict).toEqual(reason === null ? { valid: true, reason: null } : { valid: false, reason });
  });

  it('agrees with the octo scheme on the same key (the order of checks is one rule)', () => {
    const octo = verifySignature({ header: signatureHeader([SECRET], T, BODY), rawBody: '{}', secrets: [SECRET], now: T + 10_000 });
    const standard = verifyStandardSignature({ headers: { id: ID, timestamp: String(T), signature: good }, rawBody: '{}', secrets: [SECRET], now: T + 10_000 });
    expect([octo.reason, standard.reason]).toEqual(['bad_signature', 'bad_signature']);
  });
});
