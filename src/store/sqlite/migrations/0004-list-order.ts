import type { Database } from 'better-sqlite3';

/**
 * `keys list` in its default order (created, either direction) with `--limit N` reads N rows, not
 * every key: without this index SQLite sorts the whole table first. The other sorts (last used,
 * name, expiry) are not indexed: last_used_at changes on every verified request, and an index on it
 * would cost the verifier a write per key used.
 */
export function up(db: Database): void {
  db.exec('CREATE INDEX keys_created ON keys(created_at, id);');
}
