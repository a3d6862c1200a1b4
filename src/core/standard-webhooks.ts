import { nodeCrypto } from './lazy-crypto.js';
import { judgeSignatures, wholeSeconds, type SignatureVerdict, type SigningKey } from './webhook-signature.js';

/*
 * The Standard Webhooks scheme (spec/standard-webhooks.md of standard-webhooks/standard-webhooks,
 * as its `standardwebhooks` libraries and Svix's verify it): `webhook-id`, `webhook-timestamp`
 * (unix seconds) and `webhook-signature: v1,<base64>[ v1,<base64>...]`, each HMAC-SHA256 keyed
 * with the secret's bytes over `<id>.<timestamp>.<raw body>`, one per valid secret. Pure. The
 * `whsec_` form of the secrets is standard-secret.ts.
 */

function hmac(key: SigningKey, id: string, t: number, rawBody: string | Buffer): Buffer {
  return nodeCrypto().createHmac('sha256', key).update(`${id}.${t}.`, 'utf8').update(rawBody).digest();
}

export function standardSignature(keys: readonly SigningKey[], id: string, t: number, rawBody: string | Buffer): string {
  return keys.map((k) => `v1,${hmac(k, id, t, rawBody).toString('base64')}`).join(' ');
}

/** The three header values as received. */
export interface StandardHeaders {
  id: string;
  timestamp: string;
  signature: string;
}

const V1_BASE64 = /^[A-Za-z0-9+/]{43}=$/; // 32 bytes

/**
 * Null when the headers cannot be read: an empty id, a timestamp that is not whole seconds, an
 * item without a comma, no `v1`, or a `v1` that is not base64 of 32 bytes. Other versions (`v1a`,
 * the asymmetric one) are skipped, as the libraries skip them.
 */
export function parseStandardHeaders(h: StandardHeaders): { id: string; t: number; v1: Buffer[] } | null {
  const id = h.id.trim();
  const t = wholeSeconds(h.timestamp.trim());
  if (id === '' || t === null) return null;
  const v1: Buffer[] = [];
  for (const item of h.signature.split(' ').filter(Boolean)) {
    const comma = item.indexOf(',');
    if (comma <= 0) return null;
    if (item.slice(0, comma) !== 'v1') continue;
    const sig = item.slice(comma + 1);
    if (!V1_BASE64.test(sig)) return null;
    v1.push(Buffer.from(sig, 'base64'));
  }
  return v1.length === 0 ? null : { id, t, v1 };
}

/** Judged like the octo scheme (webhook-signature.ts): the signature first, then the time. */
export function verifyStandardSignature(input: {
  headers: StandardHeaders;
  rawBody: string | Buffer;
  secrets: readonly SigningKey[];
  /** Unix seconds. */
  now: number;
  toleranceS?: number;
}): SignatureVerdict {
  const parsed = parseStandardHeaders(input.headers);
  if (!parsed) return { valid: false, reason: 'malformed_header' };
  return judgeSignatures(parsed.v1, (key) => hmac(key, parsed.id, parsed.t, input.rawBody), { ...input, t: parsed.t });
}
