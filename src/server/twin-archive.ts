import type { TwinRepository, TwinWrite } from '../store/keystore.js';
import type { RequestJournal } from './journal.js';
import type { Outbox } from './outbox.js';
import type { RingBatch } from './types.js';

/**
 * Writes what the outbox and the request journal record to the keystore, so that `octo messages`
 * and `octo requests` read them there (SPEC §12), from any process, after serve has stopped too.
 *
 * Off the request path: a request only writes into the rings, as before, and every ARCHIVE_MS a
 * timer writes what they gained since, in segments of up to BATCH (on SQLite, many to a
 * transaction). The keystore keeps as many as the ring does (`--outbox-size`,
 * `--journal-size`), so whatever a ring overwrote before its batch was written is past the
 * keystore's retention too. A batch that fails (the keystore busy, or PostgreSQL away) is tried
 * again at the next tick, warned about once.
 */
export const ARCHIVE_MS = 200;

/** Records per segment: a few hundred keep a batch young (one of thousands outlived a scavenge: BENCHMARKS.md). */
const BATCH = 256;

export class TwinArchive {
  private messagesMark: number;
  private requestsMark: number;
  private writing: Promise<void> | null = null;
  /** Set while a reset empties the tables: no batch of the old rings may land after it. */
  private paused = false;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: TwinRepository,
    private readonly outbox: Outbox,
    private readonly journal: RequestJournal,
    private readonly warn: (err: unknown) => void,
  ) {
    this.messagesMark = outbox.recorded;
    this.requestsMark = journal.last;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (!this.writing && !this.paused) void this.flush();
    }, ARCHIVE_MS);
    this.timer.unref();
  }

  /** Writes what the rings gained since the last batch (after the batch being written, if one is). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    this.writing = this.write().finally(() => (this.writing = null));
    return this.writing;
  }

  /**
   * Empties the keystore's outbox and journal (`POST /_octo/reset`). The caller clears the rings
   * right after, in the same turn, so that nothing recorded before the reset is written after it.
   */
  async clear(): Promise<void> {
    this.paused = true;
    try {
      while (this.writing) await this.writing;
      await this.store.clear();
    } finally {
      this.messagesMark = this.outbox.recorded;
      this.requestsMark = this.journal.last;
      this.paused = false;
    }
  }

  /** At shutdown, once no request is in flight: the last batch. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    try {
      await this.store.append(this.pending(), (write) => {
        if (write.kind === 'messages') this.messagesMark = (write.batch as RingBatch).next;
        else this.requestsMark = (write.batch as RingBatch).next;
      });
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.warn(err);
      this.failing = true;
    }
  }

  /**
   * What the rings gained since their marks, in batches of BATCH, each built only when the store
   * asks for it, so that what a batch holds is garbage before V8 next collects.
   */
  private *pending(): Generator<TwinWrite> {
    for (let from = this.messagesMark, batch; (batch = this.outbox.batchAfter(from, BATCH)); from = batch.next) {
      yield { kind: 'messages', batch, keep: this.outbox.capacity };
    }
    for (let from = this.requestsMark, batch; (batch = this.journal.batchAfter(from, BATCH)); from = batch.next) {
      yield { kind: 'requests', batch, keep: this.journal.capacity };
    }
  }
}
