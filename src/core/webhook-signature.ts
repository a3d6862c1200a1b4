import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The webhook signature of SPEC §9: `X-Octo-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`,
 * where hex is HMAC-SHA256 keyed with the secret over the bytes `<t>.<raw body>`, one `v1=` per
 * valid secret (two during a rotation grace). Pure: the clock is a parameter.
 */
export const SIGNATURE_HEADER = 'X-Octo-Signature';
export const DEFAULT_TOLERANCE_S = 300;

export type SignatureReason = 'malformed_header' | 'bad_signature' | 'timestamp_out_of_tolerance';
export type SignatureVerdict = { valid: true; reason: null } | { valid: false; reason: SignatureReason };

/** An HMAC key: a secret as given (its UTF-8 bytes), or the bytes a `whsec_` secret stands for. */
export type SigningKey = string | Buffer;

function hmac(secret: SigningKey, t: number, rawBody: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(`${t}.`, 'utf8').update(rawBody).digest();
}

export function signatureHeader(secrets: readonly SigningKey[], t: number, rawBody: string | Buffer): string {
  return [`t=${t}`, ...secrets.map((s) => `v1=${hmac(s, t, rawBody).toString('hex')}`)].join(',');
}

export interface ParsedSignature {
  t: number;
  v1: Buffer[];
}

const DIGITS = /^[0-9]{1,15}$/; // below 2^53: any t reads exactly

/** A timestamp as both schemes write it: whole unix seconds, digits only; null otherwise. */
export function wholeSeconds(text: string): number | null {
  return DIGITS.test(text) ? Number(text) : null;
}
const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * Null when the header cannot be read: no `t`, two `t`, a `t` that is not whole seconds, no `v1`,
 * or a `v1` that is not 64 hex digits. Other schemes (`v0=`, a future `v2=`) are skipped, so that
 * a receiver keeps working when octo adds one.
 */
export function parseSignatureHeader(header: string): ParsedSignature | null {
  let t: number | undefined;
  const v1: Buffer[] = [];
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) return null;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 't') {
      const seconds = wholeSeconds(value);
      if (t !== undefined || seconds === null) return null;
      t = seconds;
    } else if (key === 'v1') {
      if (!HEX64.test(value)) return null;
      v1.push(Buffer.from(value, 'hex'));
    }
  }
  return t === undefined || v1.length === 0 ? null : { t, v1 };
}

export interface VerifyInput {
  header: string;
  rawBody: string | Buffer;
  /** Every secret that may have signed (the current one, and the previous one during a grace). */
  secrets: readonly SigningKey[];
  /** Unix seconds. */
  now: number;
  /** Seconds either side of `now`; 0 turns the timestamp check off (as Stripe's libraries do). */
  toleranceS?: number;
}

/**
 * The signature is checked before the timestamp (Stripe's order): a tampered body is reported as
 * `bad_signature` even when it is also stale, and `timestamp_out_of_tolerance` means an authentic
 * delivery that is being replayed or comes from a skewed clock.
 */
export function verifySignature(input: VerifyInput): SignatureVerdict {
  const parsed = parseSignatureHeader(input.header);
  if (!parsed) return { valid: false, reason: 'malformed_header' };
  return judgeSignatures(parsed.v1, (secret) => hmac(secret, parsed.t, input.rawBody), { ...input, t: parsed.t });
}

/**
 * The verdict once a header is read, the same for every scheme: some candidate matches what one of
 * the secrets computes, then the time is within tolerance. Every pair is compared (no early exit),
 * each in constant time on equal-length buffers.
 */
export function judgeSignatures(
  candidates: readonly Buffer[],
  expectedFor: (secret: SigningKey) => Buffer,
  input: { secrets: readonly SigningKey[]; t: number; now: number; toleranceS?: number },
): SignatureVerdict {
  let matched = false;
  for (const secret of input.secrets) {
    const expected = expectedFor(secret);
    for (const candidate of candidates) if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
  }
  if (!matched) return { valid: false, reason: 'bad_signature' };
  const tolerance = input.toleranceS ?? DEFAULT_TOLERANCE_S;
  if (tolerance > 0 && Math.abs(input.now - input.t) > tolerance) return { valid: false, reason: 'timestamp_out_of_tolerance' };
  return { valid: true, reason: null };
}
