import type { Statement } from 'better-sqlite3';
import type { TwinKind, TwinWrite } from '../keystore.js';
import type { SegmentRange, TwinSegment, TwinSegments } from '../twin-log.js';
import { raiseStoreErrors } from './errors.js';
import { preparedOnce, type Db } from './open.js';

const TABLES: Record<TwinKind, string> = { messages: 'twin_messages', requests: 'twin_requests' };

/**
 * Segments a transaction holds: one commit, so one WAL fsync, for many (under load a verifier
 * writes tens a tick), while what a transaction has not written yet stays within SQLite's page
 * cache (a busy tick's ~40 segments in one transaction raised the verifier's peak RSS by 2 MiB).
 */
const SEGMENTS_PER_COMMIT = 16;

/** The local twin's segment tables in their file (twin-file.ts; the rules are store/twin-log.ts's). */
export class TwinSegmentsRepo implements TwinSegments {
  // Prepared once: `serve` appends a batch every few hundred milliseconds, and the readers poll.
  private readonly inserts: Record<TwinKind, Statement>;
  private readonly prunes: Record<TwinKind, Statement>;
  private readonly newestOf: Record<TwinKind, Statement<[], Omit<TwinSegment, 'entries'>>>;
  /** A range's clauses and order make eight forms of read() per kind, each prepared at its first use. */
  private readonly prepared: ReturnType<typeof preparedOnce>;

  constructor(private readonly db: Db, private readonly location: string) {
    this.prepared = preparedOnce(db);
    const prepare = (make: (table: string) => string) => ({ messages: db.prepare(make(TABLES.messages)), requests: db.prepare(make(TABLES.requests)) });
    // The newest segment found by its key, seq_first: segments never overlap, so its seq_last is
    // the greatest, and max(seq_last) would read every row (at 1,000,000 records each insert read
    // ~4,000). The prune's bound on seq_first (never above seq_last) makes it a range of the key.
    const newest = (t: string) => `(SELECT seq_last FROM ${t} ORDER BY seq_first DESC LIMIT 1)`;
    this.inserts = prepare((t) => `INSERT INTO ${t} (seq_first, seq_last, at_last, keep, entries)
      SELECT n + 1, n + @count, @atLast, @keep, @entries FROM (SELECT coalesce(${newest(t)}, 0) AS n)`);
    this.prunes = prepare((t) => `DELETE FROM ${t} WHERE seq_first <= ${newest(t)} - @keep AND seq_last <= ${newest(t)} - @keep`);
    this.newestOf = prepare((t) => `SELECT seq_first, seq_last, keep FROM ${t} ORDER BY seq_first DESC LIMIT 1`) as typeof this.newestOf;
  }

  async append(writes: Iterable<TwinWrite>, stored?: (write: TwinWrite) => void): Promise<void> {
    const pending = writes[Symbol.iterator]();
    for (let next = pending.next(); !next.done;) {
      // The newest write of each kind: all a caller needs told, and no older batch's text held on.
      const last = new Map<TwinKind, TwinWrite>();
      // BEGIN IMMEDIATE, because the numbering reads the newest segment: appenders take turns.
      this.db.transaction(() => {
        for (let n = 0; n < SEGMENTS_PER_COMMIT && !next.done; n++, next = pending.next()) {
          const write = next.value;
          const { batch } = write;
          this.inserts[write.kind].run({ count: batch.count, atLast: batch.atLast, keep: write.keep, entries: batch.entries });
          last.set(write.kind, write);
        }
        for (const write of last.values()) this.prunes[write.kind].run({ keep: write.keep });
      }).immediate();
      if (stored) for (const write of last.values()) stored(write);
    }
  }

  async read(kind: TwinKind, range: SegmentRange): Promise<TwinSegment[]> {
    const where = ['seq_last > ?'];
    const args: number[] = [range.above];
    if (range.below !== undefined) { where.push('seq_first < ?'); args.push(range.below); }
    if (range.since !== undefined) { where.push('at_last >= ?'); args.push(range.since); }
    args.push(range.limit);
    const sql = `SELECT seq_first, seq_last, keep, entries FROM ${TABLES[kind]} WHERE ${where.join(' AND ')}
       ORDER BY seq_first ${range.oldestFirst ? 'ASC' : 'DESC'} LIMIT ?`;
    return this.prepared<number[], TwinSegment>(sql).all(...args);
  }

  async newest(kind: TwinKind): Promise<Omit<TwinSegment, 'entries'> | undefined> {
    return this.newestOf[kind].get();
  }

  async clear(): Promise<void> {
    this.db.transaction(() => {
      for (const t of Object.values(TABLES)) {
        this.db.exec(`DELETE FROM ${t} WHERE seq_first < (SELECT max(seq_first) FROM ${t});
                      UPDATE ${t} SET entries = '[]', keep = 0`);
      }
    }).immediate();
  }
}

raiseStoreErrors(TwinSegmentsRepo);
