import type { RateWindows } from '../keystore.js';
import type { Sql } from './connect.js';

/** The statement's own clock, read once: every verifier's windows follow the database's time. */
const NOW_MS = '(extract(epoch from statement_timestamp()) * 1000)::int8';

/*
 * Counters, not keystore data: an UNLOGGED table outside the versioned schema (no backup, no
 * migration), made by the first verifier that counts. A crash of the server empties it, which
 * opens every window afresh.
 */
const CREATE = `CREATE UNLOGGED TABLE IF NOT EXISTS octo_rate_windows (
  key_id text PRIMARY KEY,
  window_end int8 NOT NULL,
  count int8 NOT NULL
)`;

/** One UPSERT per call: the row is locked by it, so verifiers adding at once never undercount. */
const ADD = `INSERT INTO octo_rate_windows AS w (key_id, window_end, count) VALUES ($1, ${NOW_MS} + $3, $2)
  ON CONFLICT (key_id) DO UPDATE SET
    count = CASE WHEN w.window_end <= ${NOW_MS} THEN EXCLUDED.count ELSE w.count + EXCLUDED.count END,
    window_end = CASE WHEN w.window_end <= ${NOW_MS} THEN EXCLUDED.window_end ELSE w.window_end END
  RETURNING count AS total, window_end - ${NOW_MS} AS closes_in`;

const TABLE_MADE_BY_ANOTHER = new Set(['23505', '42710', '42P07']);

export class PgRateWindows implements RateWindows {
  private ready: Promise<void> | null = null;

  constructor(private readonly sql: Sql) {}

  async add(keyId: string, n: number, windowMs: number): Promise<{ total: number; closesInMs: number }> {
    await (this.ready ??= this.create());
    const [row] = await this.sql.unsafe<{ total: number; closes_in: number }[]>(ADD, [keyId, n, windowMs] as never[], { prepare: true });
    return { total: row!.total, closesInMs: row!.closes_in };
  }

  private async create(): Promise<void> {
    try {
      await this.sql.unsafe(CREATE);
    } catch (err) {
      // Verifiers creating it at once: a loser's catalog insert collides (23505 on pg_type's index),
      // or it finds the winner's row type already made (42710), or the table itself (42P07). In each
      // case the table is there, and counting goes on (else the batch would be answered 503).
      if (TABLE_MADE_BY_ANOTHER.has((err as { code?: string }).code ?? '')) return;
      this.ready = null;
      throw err;
    }
  }
}
