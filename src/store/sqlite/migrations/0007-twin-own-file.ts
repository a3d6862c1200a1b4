import type { Database } from 'better-sqlite3';

/**
 * The local twin's outbox and journal moved to a file of their own beside the keystore
 * (store/sqlite/twin-file.ts says why): 0006's tables go, with whatever a verifier had recorded in
 * them, which is what a reset would have emptied anyway.
 */
export function up(db: Database): void {
  db.exec('DROP TABLE twin_messages; DROP TABLE twin_requests;');
}
