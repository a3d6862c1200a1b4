import type { TwinKind, TwinWrite } from '../keystore.js';
import type { SegmentRange, TwinSegment, TwinSegments } from '../twin-log.js';
import type { Sql } from './connect.js';
import type { PgContext } from './context.js';
import { raiseStoreErrors } from './errors.js';
import { LOCK_CLASS, TWIN_LOCK } from './schema.js';

const TABLES: Record<TwinKind, string> = { messages: 'twin_messages', requests: 'twin_requests' };

/**
 * The local twin's segment tables (schema version 6; the rules are store/twin-log.ts's), shared
 * by every verifier on the keystore. An append takes TWIN_LOCK, not the writers' lock, and bumps
 * no change counter: it must not make CLI writers queue behind it, or other verifiers drop their
 * caches.
 */
export class TwinSegmentsRepo implements TwinSegments {
  /** `writer`: the connection appends and resets run on (reads use the keystore's pool). */
  constructor(private readonly ctx: PgContext, private readonly writer: () => Sql) {}

  get target() {
    return this.ctx.target;
  }

  async append(writes: Iterable<TwinWrite>, stored?: (write: TwinWrite) => void): Promise<void> {
    await this.locked(async (sql) => {
      for (const write of writes) {
        const { batch, keep } = write;
        const t = TABLES[write.kind];
        await sql.unsafe(
          // One statement, so atomic without a transaction; its snapshot is taken after the lock is held.
          // The newest segment found by its key (max(seq_last) would read every row), and the
          // prune's bound on seq_first (never above seq_last) makes it a range of the key.
          `WITH newest AS (SELECT coalesce((SELECT seq_last FROM ${t} ORDER BY seq_first DESC LIMIT 1), 0) AS n),
           added AS (INSERT INTO ${t} (seq_first, seq_last, at_last, keep, entries)
                     SELECT n + 1, n + $1, $2, $3, $4 FROM newest RETURNING seq_last)
           DELETE FROM ${t} WHERE seq_first <= (SELECT seq_last FROM added) - $3 AND seq_last <= (SELECT seq_last FROM added) - $3`,
          [batch.count, batch.atLast, keep, batch.entries] as never[], { prepare: true },
        );
        stored?.(write);
      }
    });
  }

  async read(kind: TwinKind, range: SegmentRange): Promise<TwinSegment[]> {
    const args: number[] = [range.above];
    const where = ['seq_last > $1'];
    if (range.below !== undefined) where.push(`seq_first < $${args.push(range.below)}`);
    if (range.since !== undefined) where.push(`at_last >= $${args.push(range.since)}`);
    return this.ctx.rows<TwinSegment>(
      `SELECT seq_first, seq_last, keep, entries FROM ${TABLES[kind]} WHERE ${where.join(' AND ')}
       ORDER BY seq_first ${range.oldestFirst ? 'ASC' : 'DESC'} LIMIT $${args.push(range.limit)}`,
      args,
    );
  }

  async newest(kind: TwinKind): Promise<Omit<TwinSegment, 'entries'> | undefined> {
    const [row] = await this.ctx.rows<Omit<TwinSegment, 'entries'>>(
      `SELECT seq_first, seq_last, keep FROM ${TABLES[kind]} ORDER BY seq_first DESC LIMIT 1`,
    );
    return row;
  }

  async clear(): Promise<void> {
    const newest = (t: string) => `(SELECT max(seq_first) FROM ${t})`;
    await this.locked((sql) => sql.unsafe(
      `WITH messages AS (DELETE FROM twin_messages WHERE seq_first < ${newest('twin_messages')}),
       requests AS (DELETE FROM twin_requests WHERE seq_first < ${newest('twin_requests')}),
       emptied AS (UPDATE twin_messages SET entries = '[]', keep = 0 WHERE seq_first = ${newest('twin_messages')})
       UPDATE twin_requests SET entries = '[]', keep = 0 WHERE seq_first = ${newest('twin_requests')}`,
    ));
  }

  /**
   * `write` under TWIN_LOCK held as a session lock on the writer's connection (its pool has one),
   * not in a transaction: each of its statements is atomic by itself, and a verifier appends every
   * 200 ms, more often than octo does anything else on PostgreSQL, so it is what a connection dying
   * under a transaction would hit first (that crashed postgres.js 3.4.9 before
   * patches/postgres+3.4.9.patch: porsager/postgres#1208). A connection that dies takes its lock
   * with it.
   */
  private async locked(write: (sql: Sql) => Promise<unknown>): Promise<void> {
    const sql = this.writer();
    await sql.unsafe('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, TWIN_LOCK] as never[], { prepare: true });
    try {
      await write(sql);
    } finally {
      await sql.unsafe('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, TWIN_LOCK] as never[], { prepare: true }).catch(() => {});
    }
  }
}

raiseStoreErrors(TwinSegmentsRepo);
