import { encodeBase62, randomBase62 } from './base62.js';
import { crc32 } from './crc32.js';
import { sha256 } from './sha256.js';

/**
 * The key format of SPEC §3: PREFIX + 32 random base62 + 6-character CRC-32 checksum in base62.
 * The checksum lets a typo be told apart from an unknown key without the keystore, and the fixed
 * prefixes let secret scanners find keys with few false positives.
 */
export type KeyFamily = 'octopods' | 'bearer' | 'webhook';
export type KeyKind = 'workspace' | 'channel' | 'waba' | 'bearer';
export type KeyEnv = 'live' | 'test';

export interface PrefixInfo {
  prefix: string;
  family: KeyFamily;
  kind: KeyKind | 'webhook_secret';
  env: KeyEnv | null;
}

export const PREFIXES: readonly PrefixInfo[] = [
  { prefix: 'octo_ws_', family: 'octopods', kind: 'workspace', env: null },
  { prefix: 'octo_ch_', family: 'octopods', kind: 'channel', env: null },
  { prefix: 'octo_wa_', family: 'octopods', kind: 'waba', env: null },
  { prefix: 'oct_live_', family: 'bearer', kind: 'bearer', env: 'live' },
  { prefix: 'oct_test_', family: 'bearer', kind: 'bearer', env: 'test' },
  { prefix: 'octo_wh_', family: 'webhook', kind: 'webhook_secret', env: null },
];

export const RANDOM_LENGTH = 32;
export const CHECKSUM_LENGTH = 6;

/** Source of the one pattern every scanner rule and the parser share. */
export const KEY_PATTERN_SOURCE =
  '(?:octo_(?:ws|ch|wa|wh)_|oct_(?:live|test)_)[0-9A-Za-z]{' + (RANDOM_LENGTH + CHECKSUM_LENGTH) + '}';
const WHOLE_KEY = new RegExp(
  '^(octo_(?:ws|ch|wa|wh)_|oct_(?:live|test)_)[0-9A-Za-z]{' + (RANDOM_LENGTH + CHECKSUM_LENGTH) + '}$',
);

export function prefixFor(kind: KeyKind | 'webhook_secret', env: KeyEnv | null = null): string {
  const info = PREFIXES.find((p) => p.kind === kind && (kind !== 'bearer' || p.env === env));
  if (!info) throw new Error(`no prefix for ${kind}/${env}`);
  return info.prefix;
}

export function checksumOf(prefixAndRandom: string): string {
  return encodeBase62(crc32(prefixAndRandom), CHECKSUM_LENGTH);
}

export function generateKey(prefix: string): string {
  const body = prefix + randomBase62(RANDOM_LENGTH);
  return body + checksumOf(body);
}

export type ParsedKey =
  | { ok: true; info: PrefixInfo }
  | { ok: false; problem: 'format' | 'checksum' };

/** Decides format and checksum alone: no keystore, no I/O. */
export function parseKey(key: string): ParsedKey {
  const m = WHOLE_KEY.exec(key);
  if (!m) return { ok: false, problem: 'format' };
  const prefix = m[1]!;
  const body = key.slice(0, key.length - CHECKSUM_LENGTH);
  if (checksumOf(body) !== key.slice(-CHECKSUM_LENGTH)) return { ok: false, problem: 'checksum' };
  const info = PREFIXES.find((p) => p.prefix === prefix)!;
  return { ok: true, info };
}

/** SHA-256 of the whole key, the only form in which a key is looked up (SPEC §4). */
export function hashKey(key: string): Buffer {
  return sha256(key);
}

/**
 * What a key text is before any keystore is asked (SPEC §6.1 step 2, §6.2 step 2): not a key (format
 * or checksum), a webhook signing secret (a valid checksum, but never an API key of either family),
 * or the hash to look the key up by.
 */
export function lookupHash(key: string): Buffer | 'malformed_key' | 'wrong_key_family' {
  const parsed = parseKey(key);
  if (!parsed.ok) return 'malformed_key';
  return parsed.info.family === 'webhook' ? 'wrong_key_family' : hashKey(key);
}

/** `oct_live_Ab3x…9Kq2`: the prefix, four characters, an ellipsis, the last four. */
export function maskKey(key: string): string {
  const info = PREFIXES.find((p) => key.startsWith(p.prefix));
  const prefix = info ? info.prefix : '';
  return prefix + key.slice(prefix.length, prefix.length + 4) + '…' + key.slice(-4);
}
