import type { Database } from 'better-sqlite3';

/**
 * Each endpoint's signature scheme: `octo` (SPEC §9's X-Octo-Signature, what every endpoint made
 * before had) or `standard-webhooks`. The secrets are the same either way: only how they are
 * presented and how deliveries carry the signature differ.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE webhooks ADD COLUMN scheme TEXT NOT NULL DEFAULT 'octo'
      CHECK (scheme IN ('octo', 'standard-webhooks'));
  `);
}
