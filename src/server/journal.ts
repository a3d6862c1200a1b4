import type { VerdictExtras } from '../core/outcomes.js';
import type { RequestLog } from './http.js';
import { scrubPath } from './request-log.js';
import { segmentText } from '../store/twin-log.js';
import { TextSlots } from './text-slots.js';
import type { RingBatch } from './types.js';
import { statusMatches, type JournalEntry, type JournalFilter } from '../core/twin.js';

export { isStatusPattern, statusMatches, type JournalEntry, type JournalFilter } from '../core/twin.js';

/**
 * The last `capacity` requests `octo serve` answered (SPEC §12): what was asked, what was answered
 * and why, never a key and never a body. Recording runs for every request, so it only writes into
 * arrays allocated up front: references to what the request already made (the verdict's extras,
 * constant strings), and the path copied as bytes (TextSlots: node's string for it then dies
 * young); the path is scrubbed of anything key-shaped and the entry built when someone asks.
 * The verifier's own `/_octo/` routes are not journaled: a `requests tail` would fill it with itself.
 */


export const DEFAULT_JOURNAL_SIZE = 10_000;

/** Room for an API path with a query string; a longer one is kept as a string, beside the slots. */
const PATH_BYTES = 64;

/** The verdict extras a journal entry shows: the ones that say why (not the success fields). */
const SHOWN_EXTRAS = ['expected', 'required_scope', 'field', 'retry_after', 'allow', 'channel_id'] as const;

export class RequestJournal {
  private readonly methods: (string | undefined)[];
  private readonly paths: TextSlots;
  private readonly statuses: Uint16Array;
  private readonly codes: (string | undefined)[];
  private readonly reasons: (string | undefined)[];
  private readonly keyIds: (string | null)[];
  private readonly extras: (VerdictExtras | null)[];
  private readonly ats: Float64Array;
  private readonly mss: Float32Array;
  /** Entries ever journaled; `seq` of the newest. Not reset by clear(), so a tail never goes back. */
  private count = 0;
  /** The first seq still kept after a clear(). */
  private floor = 0;
  private waiters: ((woken: boolean) => void)[] = [];

  constructor(readonly capacity = DEFAULT_JOURNAL_SIZE) {
    this.methods = new Array(capacity);
    this.paths = new TextSlots(capacity, PATH_BYTES);
    this.statuses = new Uint16Array(capacity);
    this.codes = new Array(capacity);
    this.reasons = new Array(capacity);
    this.keyIds = new Array(capacity);
    this.extras = new Array(capacity);
    this.ats = new Float64Array(capacity);
    this.mss = new Float32Array(capacity);
  }

  record(entry: RequestLog, at: number): void {
    const path = entry.path;
    // `/_octo/…`: checked by its second character first, which no API path shares.
    if (this.capacity === 0 || (path.charCodeAt(1) === 95 && path.startsWith('/_octo/'))) return;
    const i = this.count++ % this.capacity;
    this.methods[i] = entry.method;
    // A path may be up to node's header limit (16 KiB): a long one is kept as the view shows it
    // (scrubbed, clipped to 200 characters), not whole, so the ring's memory stays what the README says.
    this.paths.set(i, path.length > 1024 ? scrubPath(path) : path);
    this.statuses[i] = entry.status;
    this.codes[i] = entry.code ?? (entry.status < 400 ? 'ok' : entry.reason);
    this.reasons[i] = entry.reason;
    this.keyIds[i] = entry.keyId;
    this.extras[i] = entry.extras ?? null;
    this.ats[i] = at;
    this.mss[i] = entry.ms;
    if (this.waiters.length > 0) this.wake();
  }

  /** The newest seq journaled (0 when none). */
  get last(): number {
    return this.count;
  }

  /** Newest first, at most `limit`. */
  list(filter: JournalFilter, limit = Infinity): JournalEntry[] {
    const found: JournalEntry[] = [];
    const oldest = Math.max(this.floor, this.count - this.capacity, filter.after ?? 0);
    for (let n = this.count - 1; n >= oldest && found.length < limit; n--) {
      const i = n % this.capacity;
      if (filter.since !== undefined && this.ats[i]! < filter.since) break;
      if (filter.reason !== undefined && this.reasons[i] !== filter.reason) continue;
      if (filter.status !== undefined && !statusMatches(this.statuses[i]!, filter.status)) continue;
      found.push(this.view(n, i));
    }
    return found;
  }

  /**
   * Up to `max` of the entries journaled after `mark` (an earlier `last`, or the batch before's
   * `next`) that are still kept, oldest first, as the keystore keeps them (StoredRequest, in
   * segment text: store/twin-log.ts's segmentEntries); null when there are none. Written from the
   * ring's fields with no entry object made; the path is scrubbed as view() shows it, so no key
   * reaches the keystore either.
   */
  batchAfter(mark: number, max: number): RingBatch | null {
    const from = Math.max(this.floor, this.count - this.capacity, mark);
    const to = Math.min(this.count, from + max);
    if (from >= to) return null;
    let entries = '';
    // From the method to the key id, and the extras, quoted again only when they differ from the
    // record before's (the path compared as the text kept); the first record's method to key id
    // written once for the segment, as `shared` (store/twin-log.ts's segmentEntries): a batch's
    // requests mostly repeat.
    let middle = '';
    let shared = '';
    let shown = '';
    let path: string | undefined;
    for (let n = from, before = -1; n < to; n++) {
      const i = n % this.capacity;
      const p = this.paths.get(i)!;
      if (before < 0 || p !== path || this.methods[i] !== this.methods[before] || this.statuses[i] !== this.statuses[before]
        || this.codes[i] !== this.codes[before] || this.reasons[i] !== this.reasons[before] || this.keyIds[i] !== this.keyIds[before]) {
        middle = `"method":${JSON.stringify(this.methods[i]!)},"path":${JSON.stringify(scrubPath(p))},"status":${this.statuses[i]!},`
          + `"code":${JSON.stringify(this.codes[i]!)},"reason":${JSON.stringify(this.reasons[i]!)},"key_id":${JSON.stringify(this.keyIds[i]!)}`;
        if (before < 0) shared = middle;
      }
      const extras = this.extras[i];
      if (before < 0 || extras !== this.extras[before]) {
        shown = '';
        if (extras) for (const name of SHOWN_EXTRAS) if (extras[name] !== undefined) shown += `,"${name}":${JSON.stringify(extras[name])}`;
      }
      before = i;
      path = p;
      entries += `${n > from ? ',' : ''}{"at":${this.ats[i]!},${middle === shared ? '' : middle + ','}"ms":${roundMs(this.mss[i]!)}${shown}}`;
    }
    return { entries: segmentText(shared, entries), count: to - from, atLast: this.ats[(to - 1) % this.capacity]!, next: to };
  }

  /** What `list` answers, or, when that is nothing, what it answers once a request is journaled (or after `timeoutMs`). */
  async wait(filter: JournalFilter, timeoutMs: number): Promise<JournalEntry[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.list(filter);
      const left = deadline - Date.now();
      if (found.length > 0 || left <= 0) return found;
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => done(false), left);
        const done = (value: boolean) => {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== done);
          resolve(value);
        };
        this.waiters.push(done);
      });
      if (!woken) return this.list(filter);
    }
  }

  clear(): void {
    this.floor = this.count;
    this.paths.clear();
    this.extras.fill(null);
    this.release();
  }

  /** Ends every long poll now, with what there is (at shutdown: none holds the server open). */
  release(): void {
    for (const done of [...this.waiters]) done(false);
  }

  private wake(): void {
    for (const done of [...this.waiters]) done(true);
  }

  private view(n: number, i: number): JournalEntry {
    const entry: JournalEntry = {
      seq: n + 1,
      at: new Date(this.ats[i]!).toISOString(),
      method: this.methods[i]!,
      path: scrubPath(this.paths.get(i)!),
      status: this.statuses[i]!,
      code: this.codes[i]!,
      reason: this.reasons[i]!,
      key_id: this.keyIds[i]!,
      ms: roundMs(this.mss[i]!),
    };
    const extras = this.extras[i];
    if (extras) for (const name of SHOWN_EXTRAS) if (extras[name] !== undefined) (entry as unknown as Record<string, unknown>)[name] = extras[name];
    return entry;
  }
}

/** Milliseconds to two decimals. */
function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}
