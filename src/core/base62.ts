import { randomBytes } from 'node:crypto';

/** 0-9A-Za-z: the alphabet SPEC §3 fixes for the checksum, and used for every random part. */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Non-negative integer to base62, most significant digit first, left-padded with '0'. */
export function encodeBase62(value: number, width: number): string {
  let out = '';
  let n = value;
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

/**
 * `length` characters drawn uniformly from BASE62 with a cryptographic RNG. Bytes >= 248 are
 * rejected (248 = 4 * 62) so that every character is equally likely: a plain `% 62` would favour
 * the first eight characters.
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const bytes = randomBytes(length * 2);
    for (const byte of bytes) {
      if (byte < 248) {
        out += BASE62[byte % 62];
        if (out.length === length) break;
      }
    }
  }
  return out;
}
