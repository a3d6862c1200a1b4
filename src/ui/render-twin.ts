import type { ChalkInstance } from 'chalk';
import type { JournalEntry, OutboxMessage } from '../core/twin.js';
import type { Column } from './table.js';
import { formatTime } from './time.js';

/** The human forms of the outbox and the request journal (`octo messages`, `octo requests`). */
export const MESSAGE_COLUMNS: (string | Column)[] = [
  { title: 'TIME', fit: 'wrap' }, 'ID', { title: 'ENDPOINT', fit: 'words' }, 'CHANNEL', 'TO', { title: 'BODY', fit: 'wrap' },
];

export function messageRows(messages: readonly OutboxMessage[]): string[][] {
  return messages.map((m) => [formatTime(m.at), m.id, m.endpoint, m.channel_id ?? '', m.to ?? recipients(m.body), bodyText(m.body)]);
}

export function messageLine(m: OutboxMessage, c: ChalkInstance): string {
  return `${c.dim(formatTime(m.at))} ${m.id} ${m.endpoint} ${m.channel_id ?? '-'} → ${m.to ?? (recipients(m.body) || '-')}: ${bodyText(m.body)}`;
}

/** The text a person reads: `body` when it is one string, else the JSON as sent. */
function bodyText(body: unknown): string {
  const text = (body as { body?: unknown } | null)?.body;
  return typeof text === 'string' ? text : JSON.stringify(body);
}

function recipients(body: unknown): string {
  const list = (body as { recipients?: unknown } | null)?.recipients;
  return Array.isArray(list) ? `${list.length} recipients` : '';
}

export const JOURNAL_COLUMNS: (string | Column)[] = [
  { title: 'TIME', fit: 'wrap' }, 'METHOD', { title: 'PATH', fit: 'wrap' }, 'STATUS', 'KEY', 'REASON', { title: 'DETAIL', fit: 'wrap', drop: 1 },
];

export function journalRows(entries: readonly JournalEntry[]): string[][] {
  return entries.map((e) => [formatTime(e.at), e.method, e.path, String(e.status), e.key_id ?? '', e.reason, detail(e)]);
}

export function formatJournalLine(e: JournalEntry, c: ChalkInstance): string {
  const status = e.status < 300 ? c.green(e.status) : e.status < 500 ? c.yellow(e.status) : c.red(e.status);
  const more = detail(e);
  return `${c.dim(formatTime(e.at))} ${e.method} ${e.path} ${status} ${e.key_id ?? '-'} ${e.reason}${more ? ' ' + c.dim(more) : ''}`;
}

/** Why, in the verifier's words: the fields of a refusal that name what was expected. */
function detail(e: JournalEntry): string {
  const parts: string[] = [];
  if (e.expected) parts.push(`expected: ${e.expected}`);
  if (e.required_scope) parts.push(`required_scope: ${e.required_scope}`);
  if (e.field) parts.push(`field: ${e.field}`);
  if (e.retry_after !== undefined) parts.push(`retry_after: ${e.retry_after}s`);
  if (e.channel_id) parts.push(`channel_id: ${e.channel_id}`);
  return parts.join(', ');
}
