import { KEY_PATTERN_SOURCE, maskKey, parseKey, type PrefixInfo } from './key-format.js';

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
  key: string;
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
 * holding neither cannot hold a key. Most files of a tree stop here, never decoded or matched.
 */
export function mayHoldKey(bytes: Buffer): boolean {
  return bytes.includes('oct_') || bytes.includes('octo_');
}

/**
 * Every key of an octo format with a valid checksum, in order, with its line and column. One
 * regular-expression pass; a key-shaped string whose checksum fails (a typo, a placeholder such as
 * `oct_live_XXXX…`) is not a key and is not reported.
 */
export function findKeys(text: string): KeyMatch[] {
  const pattern = new RegExp(KEY_SCAN_PATTERN_SOURCE, 'g');
  const found: KeyMatch[] = [];
  let line = 1;
  let lineStart = 0;
  let counted = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const parsed = parseKey(m[0]);
    if (!parsed.ok) continue;
    // Lines are counted only up to each match, once, so a long file costs one extra pass at most.
    for (let nl = text.indexOf('\n', counted); nl !== -1 && nl < m.index; nl = text.indexOf('\n', nl + 1)) {
      line++;
      lineStart = nl + 1;
    }
    counted = m.index;
    found.push({ key: m[0], info: parsed.info, line, column: m.index - lineStart + 1 });
  }
  return found;
}

/** Global, for `replace`, which starts every call from the beginning whatever `lastIndex` holds. */
const KEY_SHAPED = new RegExp(KEY_PATTERN_SOURCE, 'g');

/**
 * `text` with every key-shaped run masked as listings mask keys, whatever its checksum (a key with
 * one typo is still nearly the secret) and even inside a longer token: for text that must never
 * carry a key, such as an error message.
 */
export function maskKeysIn(text: string): string {
  return text.includes('oct') ? text.replace(KEY_SHAPED, (key) => maskKey(key)) : text;
}
