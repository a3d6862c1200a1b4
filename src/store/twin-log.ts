import { statusMatches } from '../core/twin.js';
import type { TwinEntry, TwinKind, TwinPage, TwinRecord, TwinRepository, TwinWrite } from './keystore.js';

/*
 * The local twin's records in the keystore, the same on both backends. A verifier writes a batch
 * of records as one row, a segment: seqs `seq_first`..`seq_last`, the records as JSON text
 * (`entries`, see segmentEntries), the time of the last one (`at_last`), and the retention the
 * verifier keeps (`keep`). One row per batch rather than per record: `serve` writes every message
 * it accepts and every request it answers, and under load a row per record cost the verifier
 * about twice the throughput a segment does (BENCHMARKS.md).
 *
 * Retention: the newest segment's `seq_last - keep` is the floor; records at or below it are
 * never read, and a segment wholly below it is deleted by the next append. A reset empties the
 * newest segment (`[]`, keep 0) instead of deleting it, so seqs go on from where they were: a
 * follower asks for what came after the last seq it saw.
 */

/** A segment as a backend reads it. */
export interface TwinSegment {
  seq_first: number;
  seq_last: number;
  keep: number;
  entries: string;
}

/** Which segments to read: those holding a seq above `above` and below `below`, and a record at or after `since`. */
export interface SegmentRange {
  above: number;
  below?: number;
  since?: number;
  oldestFirst: boolean;
  limit: number;
}

/** What each backend does with its two segment tables (store/*\/twin-repo.ts). */
export interface TwinSegments {
  /**
   * Serialised with every other appender: each write's batch as a segment numbered after the
   * newest one, then every segment wholly at or below its kind's new floor deleted; `stored` as
   * TwinRepository.append says.
   */
  append(writes: Iterable<TwinWrite>, stored?: (write: TwinWrite) => void): Promise<void>;
  read(kind: TwinKind, range: SegmentRange): Promise<TwinSegment[]>;
  /** The newest segment's bounds (entries left out), if any. */
  newest(kind: TwinKind): Promise<Omit<TwinSegment, 'entries'> | undefined>;
  /** In one transaction: every segment but the newest deleted, the newest emptied (`[]`, keep 0). */
  clear(): Promise<void>;
}

/** Segments read per query. */
const READ = 16;

export class TwinLog implements TwinRepository {
  constructor(private readonly segments: TwinSegments) {}

  append(writes: Iterable<TwinWrite>, stored?: (write: TwinWrite) => void): Promise<void> {
    return this.segments.append(writes, stored);
  }

  async last(kind: TwinKind): Promise<number> {
    return (await this.segments.newest(kind))?.seq_last ?? 0;
  }

  clear(): Promise<void> {
    return this.segments.clear();
  }

  async page(kind: TwinKind, page: TwinPage): Promise<TwinRecord[]> {
    const newest = await this.segments.newest(kind);
    if (!newest) return [];
    const above = Math.max(newest.seq_last - newest.keep, page.after ?? 0);
    const before = page.before ?? Infinity;
    const found: TwinRecord[] = [];
    const range: SegmentRange = {
      above, oldestFirst: page.oldestFirst === true, limit: READ,
      ...(page.before !== undefined ? { below: page.before } : {}), ...(page.since !== undefined ? { since: page.since } : {}),
    };
    for (;;) {
      const segments = await this.segments.read(kind, range);
      for (const segment of segments) {
        if (page.containing && !mayHold(segment.entries, page.containing)) continue;
        const entries = segmentEntries(segment.entries);
        const n = entries.length;
        for (let k = 0; k < n; k++) {
          const i = range.oldestFirst ? k : n - 1 - k;
          const seq = segment.seq_first + i;
          const entry = entries[i]!;
          if (seq <= above || seq >= before || !wanted(entry, page)) continue;
          if (found.push({ seq, entry }) >= page.limit) return found;
        }
      }
      if (segments.length < READ) return found;
      // Segments never overlap: the next page starts past the last one read.
      const end = segments.at(-1)!;
      if (range.oldestFirst) range.above = end.seq_last;
      else range.below = end.seq_first;
    }
  }
}

/**
 * A segment's records. Either a JSON array of them, or, as verifiers write them, the fields most
 * of them share written once: `{"shared": {…}, "entries": [{…}, …]}`, each entry holding its own
 * fields and those in which it differs from `shared` (a batch's records mostly come from one
 * client with one key, so this halves what a message takes and more for a request: BENCHMARKS.md).
 * An entry's `at` comes first, the shared fields after it, then the entry's own, as the rings
 * show their fields.
 */
export function segmentEntries(text: string): TwinEntry[] {
  const parsed = JSON.parse(text) as TwinEntry[] | { shared: object; entries: TwinEntry[] };
  if (Array.isArray(parsed)) return parsed;
  const { shared, entries } = parsed;
  return entries.map((entry) => Object.assign({ at: entry.at }, shared, entry));
}

/** A segment's text, as segmentEntries reads it: `shared` and `entries` are JSON members and objects without their brackets. */
export function segmentText(shared: string, entries: string): string {
  return `{"shared":{${shared}},"entries":[${entries}]}`;
}

/**
 * false when the JSON string values in `text` cannot hold every one of `needles`: without an
 * escape in it, each string value is in the text as it reads (`messages list --to` over 1,000,000 records
 * parsed every one: BENCHMARKS.md).
 */
function mayHold(text: string, needles: readonly string[]): boolean {
  return text.includes('\\') || needles.every((needle) => text.includes(needle));
}

function wanted(entry: TwinEntry, page: TwinPage): boolean {
  if (page.since !== undefined && entry.at < page.since) return false;
  if (page.status !== undefined && (entry.status === undefined || !statusMatches(entry.status, page.status))) return false;
  return page.reason === undefined || entry.reason === page.reason;
}
