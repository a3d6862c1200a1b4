import type { Database } from 'better-sqlite3';

/**
 * The local twin's outbox and request journal (SPEC §12), which `octo serve` writes so that
 * `octo messages` and `octo requests` read them from the keystore: one row per batch of records
 * (a segment), its entries as JSON text (store/twin-log.ts has the format and the rules).
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE twin_messages (
      seq_first INTEGER PRIMARY KEY,
      seq_last  INTEGER NOT NULL,
      at_last   INTEGER NOT NULL,
      keep      INTEGER NOT NULL,
      entries   TEXT NOT NULL
    );
    CREATE TABLE twin_requests (
      seq_first INTEGER PRIMARY KEY,
      seq_last  INTEGER NOT NULL,
      at_last   INTEGER NOT NULL,
      keep      INTEGER NOT NULL,
      entries   TEXT NOT NULL
    );
  `);
}
