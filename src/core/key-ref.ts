import { maskKey, parseKey, PREFIXES, RANDOM_LENGTH, CHECKSUM_LENGTH, type PrefixInfo } from './key-format.js';

/**
 * What was given where a key id is expected (`keys show KEY_ID`, `audit --key KEY_ID`): an id or a
 * prefix of one, or the whole key itself, which is what an operator holds after a leak. No I/O: the
 * app looks a whole key up by its hash. Anything shown back is masked, never the value as given.
 */
export type KeyRef =
  | { type: 'id'; id: string }
  | { type: 'key'; key: string; info: PrefixInfo }
  | { type: 'webhook_secret'; masked: string }
  | { type: 'malformed'; masked: string; problem: 'checksum' | 'length'; length: number }
  | { type: 'other'; value: string; shown: string };

/** A header line or scheme pasted along with a key (from curl, a log, an HTTP client). */
const PASTED = /^(?:(?:authorization|x-octopods-auth)\s*:\s*)?(?:bearer\s+)?/i;
/** Key ids are `key_` + base62 (core/ids.ts); a ref may stop anywhere in one (a unique prefix). */
const ID_SHAPE = /^key_[0-9A-Za-z]*$/;
/** Short values are echoed as given; longer ones may be someone else's secret. */
const SHOWN_AS_IS = 24;

export function parseKeyRef(text: string): KeyRef {
  const value = text.trim().replace(PASTED, '').trim();
  const prefix = PREFIXES.find((p) => value.startsWith(p.prefix));
  if (prefix) {
    const masked = maskPartial(value, prefix.prefix);
    const parsed = parseKey(value);
    if (parsed.ok) return parsed.info.kind === 'webhook_secret' ? { type: 'webhook_secret', masked } : { type: 'key', key: value, info: parsed.info };
    const length = value.length - prefix.prefix.length;
    return { type: 'malformed', masked, problem: parsed.problem === 'checksum' ? 'checksum' : 'length', length };
  }
  if (value !== '' && (ID_SHAPE.test(value) || 'key_'.startsWith(value))) return { type: 'id', id: value };
  return { type: 'other', value, shown: showOther(value) };
}

/** How a key's whole length reads in a message: "38 characters after the prefix". */
export const KEY_BODY_LENGTH = RANDOM_LENGTH + CHECKSUM_LENGTH;

/** A key-shaped value masked as listings mask keys; too short to mask, only its prefix. */
function maskPartial(value: string, prefix: string): string {
  return value.length >= prefix.length + 8 ? maskKey(value) : `${prefix}…`;
}

function showOther(value: string): string {
  if (value.length <= SHOWN_AS_IS && !/[\u0000-\u001f\u007f]/.test(value)) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, 4) + '…' + value.slice(-4))} (${value.length} characters)`;
}
