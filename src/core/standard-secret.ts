import { maskKey } from './key-format.js';
import type { WebhookScheme } from './webhook-model.js';

/* No node:crypto here: `keys scan` finds `whsec_` secrets, and every command loads its matcher. */
export const STANDARD_SECRET_PREFIX = 'whsec_';

/**
 * The form a receiver's library takes: `whsec_` + base64 of the key bytes. octo's key bytes are
 * those of the `octo_wh_` secret itself, the very bytes its own scheme keys the HMAC with, so one
 * stored (and scanned) secret serves both schemes.
 */
export function standardSecret(octoSecret: string): string {
  return STANDARD_SECRET_PREFIX + Buffer.from(octoSecret, 'utf8').toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The HMAC key a secret stands for, whichever form it is given in: a `whsec_` secret's decoded
 * bytes, any other secret's own UTF-8 bytes. Null for a `whsec_` that is not padded base64.
 */
export function signingKeyOf(secret: string): Buffer | null {
  if (!secret.startsWith(STANDARD_SECRET_PREFIX)) return Buffer.from(secret, 'utf8');
  const b64 = secret.slice(STANDARD_SECRET_PREFIX.length);
  return b64 !== '' && BASE64.test(b64) ? Buffer.from(b64, 'base64') : null;
}

/**
 * `whsec_…aF9zZQ==`: the last eight characters, which stand for the last four of the `octo_wh_`
 * secret, what its own mask shows; the first ones are the same for every octo secret.
 */
export function maskStandardSecret(secret: string): string {
  return STANDARD_SECRET_PREFIX + '…' + secret.slice(-8);
}

/** An endpoint's secret as its scheme presents it to people and receivers, with its mask. */
export function presentSecret(scheme: WebhookScheme, octoSecret: string): { secret: string; masked: string } {
  if (scheme === 'octo') return { secret: octoSecret, masked: maskKey(octoSecret) };
  const secret = standardSecret(octoSecret);
  return { secret, masked: maskStandardSecret(secret) };
}
