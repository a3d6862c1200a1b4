import type { ChannelType } from './model.js';

/**
 * The local twin's records as `GET /_octo/messages` and `GET /_octo/requests` print them (SPEC §12),
 * the filters over them, and the rules both the verifier and the CLI apply.
 */
export interface OutboxMessage {
  id: string;
  endpoint: string;
  channel_id: string | null;
  channel_type: ChannelType | null;
  workspace_id: string | null;
  /** The destination (a phone number, a Telegram chat), or null (a broadcast, a template). */
  to: string | null;
  body: unknown;
  key_id: string;
  at: string;
}

/**
 * A message as the keystore keeps it (server/twin-archive.ts): the body as the JSON text that was
 * sent, the time in epoch ms; `to` is told from the body when it is read (storedMessageView).
 */
export type StoredMessage = Omit<OutboxMessage, 'to' | 'at'> & { at: number };

/** A journal entry as the keystore keeps it: without its seq (the row's), the time in epoch ms. */
export type StoredRequest = Omit<JournalEntry, 'seq' | 'at'> & { at: number };

export function storedMessageView(s: StoredMessage): OutboxMessage {
  return {
    id: s.id, endpoint: s.endpoint, channel_id: s.channel_id, channel_type: s.channel_type, workspace_id: s.workspace_id,
    to: destinationOf(s.body), body: s.body, key_id: s.key_id, at: new Date(s.at).toISOString(),
  };
}

/** `at` is the stored entry's first field, so the view's fields come in the order the verifier's do. */
export function storedRequestView(seq: number, s: StoredRequest): JournalEntry {
  return { seq, ...s, at: new Date(s.at).toISOString() };
}

export interface MessageFilter {
  /** A destination; a broadcast matches when it is one of its recipients. */
  to?: string;
  /** A channel id, or a channel type (`sms`, `viber`, `telegram`, `whatsapp`). */
  channel?: string;
  /** Epoch ms: messages accepted at or after it. */
  since?: number;
  /** Some string in the body (at any depth) contains it. */
  bodyContains?: string;
}

export interface JournalEntry {
  /** Increases by one per request journaled: `requests tail` asks for what came after the last it saw. */
  seq: number;
  at: string;
  method: string;
  path: string;
  status: number;
  code: string;
  reason: string;
  key_id: string | null;
  ms: number;
  expected?: string;
  required_scope?: string;
  field?: string;
  retry_after?: number;
  allow?: readonly string[];
  channel_id?: string;
}

export interface JournalFilter {
  /** `401`, or a class: `4xx`. */
  status?: string;
  reason?: string;
  /** Only entries with a greater `seq`. */
  after?: number;
  since?: number;
}

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `destination_phone` (SMS, Viber, WhatsApp) or `chat_id` (Telegram); null for broadcasts and templates. */
export function destinationOf(body: unknown): string | null {
  if (!isObject(body)) return null;
  if (typeof body.destination_phone === 'string') return body.destination_phone;
  if (typeof body.chat_id === 'string' || typeof body.chat_id === 'number') return String(body.chat_id);
  return null;
}

export function matches(m: OutboxMessage, filter: MessageFilter): boolean {
  if (filter.since !== undefined && Date.parse(m.at) < filter.since) return false;
  if (filter.channel !== undefined && m.channel_id !== filter.channel && m.channel_type !== filter.channel) return false;
  if (filter.to !== undefined && m.to !== filter.to && !recipientsOf(m.body).includes(filter.to)) return false;
  if (filter.bodyContains !== undefined && !someString(m.body, filter.bodyContains)) return false;
  return true;
}

function recipientsOf(body: unknown): unknown[] {
  return isObject(body) && Array.isArray(body.recipients) ? body.recipients : [];
}

function someString(value: unknown, text: string): boolean {
  if (typeof value === 'string') return value.includes(text);
  if (Array.isArray(value)) return value.some((v) => someString(v, text));
  if (isObject(value)) return Object.values(value).some((v) => someString(v, text));
  return false;
}

/** `401` matches itself, `4xx` every 4.. status. */
export function statusMatches(status: number, pattern: string): boolean {
  if (/^[1-5]xx$/i.test(pattern)) return Math.floor(status / 100) === Number(pattern[0]);
  return String(status) === pattern;
}

/** A usable `--status` / `status=`: a status or a class. */
export function isStatusPattern(text: string): boolean {
  return /^[1-5](xx|\d\d)$/i.test(text);
}
