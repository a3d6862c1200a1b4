import { nodeCrypto } from './lazy-crypto.js';

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
 * Random bytes from the cryptographic RNG, drawn 4 KiB at a time: one RNG call per call site was
 * 14% of the verifier's time for message ids, and a pool gives the same bytes for a fraction. The
 * pool is refilled in place (a new 4 KiB buffer per refill cost 45 ns of every id), and only once
 * all of its bytes have been used.
 */
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_SIZE);
let offset = POOL_SIZE;

function nextRandomByte(): number {
  if (offset >= POOL_SIZE) {
    nodeCrypto().randomFillSync(pool);
    offset = 0;
  }
  return pool[offset++]!;
}

/**
 * `length` characters drawn uniformly from BASE62 with a cryptographic RNG. Bytes >= 248 are
 * rejected (248 = 4 * 62) so that every character is equally likely: a plain `% 62` would favour
 * the first eight characters.
 */
export function randomBase62(length: number): string {
  const codes: number[] = [];
  while (codes.length < length) {
    const byte = nextRandomByte();
    if (byte < 248) codes.push(BASE62.charCodeAt(byte % 62));
  }
  // One flat string, rather than one concatenation per character (which JSON.stringify and the
  // socket then had to flatten for every message id).
  return String.fromCharCode(...codes);
}
