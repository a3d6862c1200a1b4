import { KEY_PATTERN_SOURCE, maskKey, parseKey, type PrefixInfo } from './key-format.js';
import { maskStandardSecret } from './standard-secret.js';

/**
 * Finding octo keys in text, without I/O: what `octo keys scan` runs on every file, and the pattern
 * the shipped gitleaks and secretlint rules spell out (docs/secret-scanning/, kept equal by a test).
 * `\b` on both sides, so that a key-shaped run inside a longer token (`xoct_live_…`, or 38
 * characters followed by more) is not half-matched and reported as a key.
 */
export const KEY_SCAN_PATTERN_SOURCE = `\\b${KEY_PATTERN_SOURCE}\\b`;

/** Files whose first bytes hold a NUL are binary: git's own heuristic, over the same 8,000 bytes. */
const BINARY_SNIFF_BYTES = 8000;

export interface KeyMatch {
  /** The octo key, as looked up: for a `whsec_` string, the `octo_wh_` secret it stands for. */
  key: string;
  /** The string as written, masked. */
  masked: string;
  info: PrefixInfo;
  /** 1-based line and column (column in UTF-16 code units of the decoded text). */
  line: number;
  column: number;
}

export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/**
 * A cheap test on the raw bytes before decoding: every prefix starts `oct_` or `octo_`, so a file
 * holding neither (nor a `whsec_` form of a webhook secret) cannot hold a key. Most files of a
 * tree stop here, never decoded or matched.
 */
export function mayHoldKey(bytes: Buffer): boolean {
  return bytes.includes('oct_') || bytes.includes('octo_') || bytes.includes(STANDARD_SECRET_START);
}

/**
 * A webhook secret as a Standard Webhooks receiver holds it: `whsec_` + base64 of the 46 bytes of
 * an `octo_wh_` secret (62 characters and `==`; octo_wh_ always encodes as `b2N0b193aF`). It has
 * no checksum of its own: the one inside is checked once decoded, so a random `whsec_` of another
 * provider is never reported.
 */
const STANDARD_SECRET_START = 'whsec_b2N0b193aF';
const STANDARD_SECRET = /\bwhsec_(b2N0b193aF[A-Za-z0-9+/]{52}==)(?![A-Za-z0-9+/=])/g;

/**
 * Every key of an octo format with a valid checksum, in order, with its line and column. One
 * regular-expression pass; a key-shaped string whose checksum fails (a typo, a placeholder such as
 * `oct_live_XXXX…`) is not a key and is not reported.
 */
export function findKeys(text: string): KeyMatch[] {
  const hits = [...keysIn(text), ...(text.includes(STANDARD_SECRET_START) ? standardSecretsIn(text) : [])];
  if (hits.length > 1) hits.sort((a, b) => a.index - b.index);
  const found: KeyMatch[] = [];
  let line = 1;
  let lineStart = 0;
  let counted = 0;
  for (const { index, ...hit } of hits) {
    // Lines are counted only up to each match, once, so a long file costs one extra pass at most.
    for (let nl = text.indexOf('\n', counted); nl !== -1 && nl < index; nl = text.indexOf('\n', nl + 1)) {
      line++;
      lineStart = nl + 1;
    }
    counted = index;
    found.push({ ...hit, line, column: index - lineStart + 1 });
  }
  return found;
}

type Hit = Omit<KeyMatch, 'line' | 'column'> & { index: number };

function* keysIn(text: string): Generator<Hit> {
  const pattern = new RegExp(KEY_SCAN_PATTERN_SOURCE, 'g');
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const parsed = parseKey(m[0]);
    if (parsed.ok) yield { key: m[0], masked: maskKey(m[0]), info: parsed.info, index: m.index };
  }
}

function* standardSecretsIn(text: string): Generator<Hit> {
  for (const m of text.matchAll(STANDARD_SECRET)) {
    const inner = Buffer.from(m[1]!, 'base64').toString('latin1');
    const parsed = parseKey(inner);
    if (parsed.ok && parsed.info.family === 'webhook') yield { key: inner, masked: maskStandardSecret(m[0]), info: parsed.info, index: m.index };
  }
}

/** Global, for `replace`, which starts every call from the beginning whatever `lastIndex` holds. */
const KEY_SHAPED = new RegExp(KEY_PATTERN_SOURCE, 'g');

/**
 * `text` with every key-shaped run masked as listings mask keys, whatever its checksum (a key with
 * one typo is still nearly the secret) and even inside a longer token: for text that must never
 * carry a key, such as an error message.
 */
export function maskKeysIn(text: string): string {
  const masked = text.includes('oct') ? text.replace(KEY_SHAPED, (key) => maskKey(key)) : text;
  return masked.includes('whsec_') ? masked.replace(WHSEC_SHAPED, (secret) => maskStandardSecret(secret)) : masked;
}

/** Any `whsec_` secret, octo's or another provider's (their keys are at least 24 bytes: 32 characters). */
const WHSEC_SHAPED = /whsec_[A-Za-z0-9+/]{32,}={0,2}/g;
