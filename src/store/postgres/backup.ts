import { chmodSync, linkSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, tempBeside } from '../private-files.js';
import type { KeystoreSummary } from '../records.js';
import { backupExists, removeDb, summarise } from '../sqlite/backup.js';
import { openDatabase, type Db } from '../sqlite/open.js';
import { COPIED_TABLES, type CopiedTable } from '../table-copy.js';
import type { PgContext } from './context.js';

/*
 * Moving a whole keystore between PostgreSQL and an octo SQLite file (the backup format, whatever
 * the backend), table by table (store/table-copy.ts).
 */

/** Rows per round trip, reading PostgreSQL; and the most parameters one INSERT carries, writing it. */
const READ_ROWS = 1_000;
const MAX_PARAMS = 30_000;

/** The PostgreSQL side's ORDER BY: insertion order is the seq column there, rowid in SQLite. */
const pgOrder = (t: CopiedTable) => (t.insertionOrder ? 'seq' : t.orderBy);
const sqliteOrder = (t: CopiedTable) => (t.insertionOrder ? 'rowid' : t.orderBy);

/**
 * A private octo SQLite keystore file holding the whole PostgreSQL keystore as of one snapshot
 * (a repeatable-read transaction), made with SQLite's own open and migrations, written under a
 * temporary name and moved into place whole; without `overwrite`, an existing `file` (even one
 * created meanwhile) is never replaced.
 */
export async function backupToFile(ctx: PgContext, file: string, overwrite: boolean): Promise<KeystoreSummary> {
  ensurePrivateDir(dirname(file));
  const temp = tempBeside(file);
  try {
    const db = openDatabase(temp);
    let summary: KeystoreSummary;
    try {
      await ctx.snapshot(async (tx) => {
        db.exec('BEGIN');
        try {
          db.pragma('defer_foreign_keys = ON');
          const marks: (() => void)[] = [];
          for (const t of COPIED_TABLES) marks.push(await copyToSqlite(t, db, (text) => tx.unsafe<unknown[][]>(text).values().cursor(READ_ROWS)));
          for (const mark of marks) mark();
          db.exec('COMMIT');
        } catch (err) {
          db.exec('ROLLBACK');
          throw err;
        }
      });
      // One self-contained file: a backup in WAL mode would need its -wal beside it.
      db.pragma('journal_mode = DELETE');
      summary = summarise(db);
    } finally {
      db.close();
    }
    chmodSync(temp, 0o600);
    if (overwrite) renameSync(temp, file);
    else linkSync(temp, file);
    return summary;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw backupExists(file);
    throw err;
  } finally {
    removeDb(temp);
  }
}

/** Copies one table's rows; returns what makes its tombstones tombstones again, run once every table is in. */
async function copyToSqlite(t: CopiedTable, db: Db, read: (sql: string) => AsyncIterable<unknown[][]>): Promise<() => void> {
  const removedAt = t.tombstoned ? t.columns.indexOf('removed_at') : -1;
  const insert = db.prepare(`INSERT INTO ${t.name} (${t.columns.join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`);
  const tombstones: [unknown, unknown][] = [];
  for await (const rows of read(`SELECT ${t.columns.join(', ')} FROM ${t.name} ORDER BY ${pgOrder(t)}`)) {
    for (const row of rows) {
      if (removedAt >= 0 && row[removedAt] !== null) {
        tombstones.push([row[removedAt], row[0]]);
        row[removedAt] = null;
      }
      insert.run(...row);
    }
  }
  return () => {
    if (tombstones.length === 0) return;
    const mark = db.prepare(`UPDATE ${t.name} SET removed_at = ? WHERE id = ?`);
    for (const [at, id] of tombstones) mark.run(at, id);
  };
}

/**
 * Replaces the whole PostgreSQL keystore's content with an octo SQLite keystore's, in one write
 * transaction (the writers' lock held, the change counter bumped), so a running verifier sees the
 * old keystore or the restored one, never a mix. The change protocol and schema tables stay.
 */
export async function replaceFromFile(ctx: PgContext, source: Db): Promise<void> {
  await ctx.write(true, async () => {
    await ctx.rows('SET CONSTRAINTS ALL DEFERRED');
    for (const t of [...COPIED_TABLES].reverse()) await ctx.rows(`DELETE FROM ${t.name}`);
    const marks: (() => Promise<void>)[] = [];
    for (const t of COPIED_TABLES) marks.push(await copyFromSqlite(ctx, t, source));
    for (const mark of marks) await mark();
  });
}

/** Copies one table's rows; returns what makes its tombstones tombstones again, run once every table is in. */
async function copyFromSqlite(ctx: PgContext, t: CopiedTable, source: Db): Promise<() => Promise<void>> {
  const columns = t.insertionOrder ? [...t.columns, 'seq'] : [...t.columns];
  const removedAt = t.tombstoned ? columns.indexOf('removed_at') : -1;
  const select = `SELECT ${t.columns.join(', ')}${t.insertionOrder ? ', rowid' : ''} FROM ${t.name} ORDER BY ${sqliteOrder(t)}`;
  const perInsert = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const tombstones: [unknown, unknown][] = [];
  let batch: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const values = batch.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
    await ctx.q.unsafe(`INSERT INTO ${t.name} (${columns.join(', ')}) VALUES ${values}`, batch.flat() as never[]);
    batch = [];
  };
  for (const row of source.prepare(select).raw().iterate() as IterableIterator<unknown[]>) {
    if (removedAt >= 0 && row[removedAt] !== null) {
      tombstones.push([row[removedAt], row[0]]);
      row[removedAt] = null;
    }
    batch.push(row);
    if (batch.length >= perInsert) await flush();
  }
  await flush();
  if (t.identity) {
    await ctx.rows(`SELECT setval(pg_get_serial_sequence('${t.name}', '${t.identity}'), COALESCE((SELECT max(${t.identity}) FROM ${t.name}), 0) + 1, false)`);
  }
  if (t.insertionOrder) {
    await ctx.rows(`SELECT setval(pg_get_serial_sequence('${t.name}', 'seq'), COALESCE((SELECT max(seq) FROM ${t.name}), 0) + 1, false)`);
  }
  return async () => {
    for (const [at, id] of tombstones) await ctx.rows(`UPDATE ${t.name} SET removed_at = $1 WHERE id = $2`, [at, id]);
  };
}
