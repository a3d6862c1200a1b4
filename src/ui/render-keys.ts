import type { ChalkInstance } from 'chalk';
import { formatDuration } from '../core/duration.js';
import type { KeyStatus, KeyView } from '../core/model.js';
import type { Output } from './output.js';
import { printTable } from './table.js';
import { formatTime } from './time.js';

export function paintStatus(c: ChalkInstance, status: KeyStatus | 'unknown'): string {
  switch (status) {
    case 'active':
      return c.green(status);
    case 'rotated':
      return c.yellow(status);
    case 'expired':
      return c.magenta(status);
    default:
      return c.red(status);
  }
}

export function subjectText(key: KeyView): string {
  return key.subject ? `${key.subject.type} ${key.subject.name} (${key.subject.id})` : 'account';
}

export function scopesText(key: KeyView): string {
  if (key.kind !== 'bearer') return '—';
  return key.scopes === null ? 'full access' : key.scopes.join(', ');
}

/** Collects a streamed listing into a table; --json streams instead (see cli/keys.ts). */
export async function printKeyTable(out: Output, keys: Iterable<KeyView> | AsyncIterable<KeyView>): Promise<number> {
  const rows: string[][] = [];
  for await (const k of keys) {
    rows.push([
      k.id,
      k.label,
      k.name ?? (k.subject ? `${k.subject.name}` : ''),
      k.env ?? '—',
      paintStatus(out.c, k.status),
      k.masked,
      scopesText(k),
      formatTime(k.created_at),
      formatTime(k.last_used_at, 'never'),
    ]);
  }
  if (rows.length === 0) {
    out.info('No keys match. Create one with `octo keys create`.');
    return 0;
  }
  await printTable(out, [
    'ID', { title: 'LABEL', fit: 'wrap', drop: 4 }, { title: 'NAME / SUBJECT', fit: 'truncate' }, { title: 'ENV', drop: 3 }, 'STATUS', 'KEY',
    { title: 'SCOPES', fit: 'wrap', drop: 1 }, { title: 'CREATED', fit: 'wrap', drop: 2 }, { title: 'LAST USED', fit: 'wrap', drop: 5 },
  ], rows);
  return rows.length;
}

export function printKeyDetails(out: Output, key: KeyView, extra: { reason?: string | null; graceUntil?: string | null } = {}): void {
  const c = out.c;
  const rows: [string, string][] = [
    ['label', key.label],
    ...(key.name ? [['name', key.name] as [string, string]] : []),
    ['subject', subjectText(key)],
    ...(key.env ? [['env', key.env] as [string, string]] : []),
    ['status', paintStatus(c, key.status)],
    ['key', key.masked],
    ['scopes', scopesText(key)],
    ['created', formatTime(key.created_at)],
    ['expires', formatTime(key.expires_at, 'never')],
    ['last used', formatTime(key.last_used_at, 'never')],
    ['rate limit', key.rate_limit ? `${key.rate_limit.limit} per ${formatDuration(key.rate_limit.window_s)}` : 'none'],
  ];
  if (key.revoked_at) rows.push(['revoked', formatTime(key.revoked_at) + (extra.reason ? ` (${extra.reason})` : '')]);
  if (key.replaced_by) rows.push(['replaced by', key.replaced_by + (extra.graceUntil ? `, accepted until ${formatTime(extra.graceUntil)}` : '')]);
  if (key.replaces) rows.push(['replaces', key.replaces]);
  out.line(c.bold(key.id));
  for (const [name, value] of rows) out.line(`  ${c.dim(name.padEnd(11))} ${value}`);
}
