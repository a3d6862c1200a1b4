import type { ChannelType } from '../core/model.js';
import { segmentText } from '../store/twin-log.js';
import { TextSlots } from './text-slots.js';
import type { RingBatch } from './types.js';
import { destinationOf, matches, type MessageFilter, type OutboxMessage } from '../core/twin.js';

export type { MessageFilter, OutboxMessage } from '../core/twin.js';

/**
 * Every message `octo serve` accepted (SPEC §12), newest kept, oldest dropped past `capacity`.
 *
 * Recording is on the hot path of every accepted message, so it only writes into arrays allocated
 * up front (a ring): no object per message, no JSON. The id and the body, the text the client sent,
 * are copied as bytes into slots (TextSlots: the request's strings then die young); the message
 * object of SPEC §12 is built only when someone asks.
 */
export const DEFAULT_OUTBOX_SIZE = 10_000;

/** An id is 14 ASCII characters (newId). */
const ID_BYTES = 16;
/**
 * Room for the bodies a test sends (an SMS body is at most a few hundred bytes); a longer body is
 * kept as a string, beside the slots.
 */
const BODY_BYTES = 256;

export class Outbox {
  private readonly ids: TextSlots;
  private readonly endpoints: (string | undefined)[];
  private readonly channelIds: (string | null)[];
  private readonly channelTypes: (ChannelType | null)[];
  private readonly workspaceIds: (string | null)[];
  private readonly bodies: TextSlots;
  private readonly keyIds: (string | undefined)[];
  private readonly ats: Float64Array;
  /**
   * Messages ever recorded; the newest is at (count - 1) % capacity. Not reset by clear(), so that
   * what was written to the keystore (TwinArchive's mark) stays told from what was not.
   */
  private count = 0;
  /** The first ordinal still kept after a clear(). */
  private floor = 0;
  private waiters: Waiter[] = [];

  constructor(readonly capacity = DEFAULT_OUTBOX_SIZE) {
    this.ids = new TextSlots(capacity, ID_BYTES);
    this.endpoints = new Array(capacity);
    this.channelIds = new Array(capacity);
    this.channelTypes = new Array(capacity);
    this.workspaceIds = new Array(capacity);
    this.bodies = new TextSlots(capacity, BODY_BYTES);
    this.keyIds = new Array(capacity);
    this.ats = new Float64Array(capacity);
  }

  get size(): number {
    return Math.min(this.count - this.floor, this.capacity);
  }

  /** How many messages were ever recorded: a mark for batchAfter(). */
  get recorded(): number {
    return this.count;
  }

  /**
   * Up to `max` of the messages recorded after `mark` (an earlier `recorded`, or the batch before's
   * `next`) that are still kept, oldest first, as the keystore keeps them (StoredMessage, in
   * segment text: store/twin-log.ts's segmentEntries); null when there are none. Written from the
   * ring's fields as they are: the body is the JSON text the client sent, so no body is parsed and
   * no message object is made.
   */
  batchAfter(mark: number, max: number): RingBatch | null {
    const from = Math.max(mark, this.count - this.size);
    const to = Math.min(this.count, from + max);
    if (from >= to) return null;
    let entries = '';
    // The fields but the id, the body and the time, quoted again only when they differ from the
    // record before's, and written once for the segment, as `shared` (store/twin-log.ts's
    // segmentEntries), when they are the first record's: a batch's records mostly come from one
    // client with one key.
    let middle = '';
    let shared = '';
    for (let n = from, before = -1; n < to; n++) {
      const i = n % this.capacity;
      if (before < 0 || this.endpoints[i] !== this.endpoints[before] || this.channelIds[i] !== this.channelIds[before]
        || this.channelTypes[i] !== this.channelTypes[before] || this.workspaceIds[i] !== this.workspaceIds[before]
        || this.keyIds[i] !== this.keyIds[before]) {
        middle = `"endpoint":${quote(this.endpoints[i]!)},"channel_id":${quote(this.channelIds[i]!)},`
          + `"channel_type":${quote(this.channelTypes[i]!)},"workspace_id":${quote(this.workspaceIds[i]!)},"key_id":${quote(this.keyIds[i]!)}`;
        if (before < 0) shared = middle;
      }
      before = i;
      const body = this.bodies.get(i)!;
      // An empty body (none is accepted today) is kept as the empty string, as view() shows it.
      entries += `${n > from ? ',' : ''}{"id":${quote(this.ids.get(i)!)},${middle === shared ? '' : middle + ','}`
        + `"body":${body === '' ? '""' : body},"at":${this.ats[i]!}}`;
    }
    return { entries: segmentText(shared, entries), count: to - from, atLast: this.ats[(to - 1) % this.capacity]!, next: to };
  }

  record(
    id: string, endpoint: string, channelId: string | null, channelType: ChannelType | null, workspaceId: string | null,
    body: string, keyId: string, at: number,
  ): void {
    if (this.capacity === 0) return;
    const i = this.count++ % this.capacity;
    this.ids.set(i, id);
    this.endpoints[i] = endpoint;
    this.channelIds[i] = channelId;
    this.channelTypes[i] = channelType;
    this.workspaceIds[i] = workspaceId;
    this.bodies.set(i, body);
    this.keyIds[i] = keyId;
    this.ats[i] = at;
    if (this.waiters.length > 0) this.wake(i);
  }

  /** Newest first, at most `limit`. */
  list(filter: MessageFilter, limit = Infinity): OutboxMessage[] {
    const found: OutboxMessage[] = [];
    for (let n = this.count - 1; n >= this.count - this.size && found.length < limit; n--) {
      const i = n % this.capacity;
      if (filter.since !== undefined && this.ats[i]! < filter.since) break;
      // Decoded once, for the look and the view both.
      const text = this.bodies.get(i)!;
      if (!this.mayMatch(i, text, filter)) continue;
      const message = this.view(i, text);
      if (matches(message, filter)) found.push(message);
    }
    return found;
  }

  /**
   * The newest message that matches, now or as soon as one is recorded; null after `timeoutMs`, or
   * when released (at shutdown and reset, so that no long poll holds the server open).
   */
  wait(filter: MessageFilter, timeoutMs: number): Promise<OutboxMessage | null> {
    const [now] = this.list(filter, 1);
    if (now || timeoutMs <= 0) return Promise.resolve(now ?? null);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        filter,
        resolve: (m) => {
          clearTimeout(waiter.timer);
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(m);
        },
        timer: setTimeout(() => waiter.resolve(null), timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  clear(): void {
    this.floor = this.count;
    this.ids.clear();
    this.bodies.clear();
    this.release();
  }

  /** Answers every waiting long poll with nothing. */
  release(): void {
    for (const waiter of [...this.waiters]) waiter.resolve(null);
  }

  /**
   * false when message `i` cannot match, told from what is kept without parsing its body: a body with
   * no escape (`\`) in it holds every string it decodes to as it stands.
   */
  private mayMatch(i: number, text: string, filter: MessageFilter): boolean {
    if (filter.channel !== undefined && this.channelIds[i] !== filter.channel && this.channelTypes[i] !== filter.channel) return false;
    if (text.includes('\\')) return true;
    if (filter.to !== undefined && !text.includes(filter.to)) return false;
    return filter.bodyContains === undefined || text.includes(filter.bodyContains);
  }

  private wake(i: number): void {
    const message = this.view(i);
    for (const waiter of [...this.waiters]) if (matches(message, waiter.filter)) waiter.resolve(message);
  }

  private view(i: number, text = this.bodies.get(i)!): OutboxMessage {
    const body = decodeBody(text);
    return {
      id: this.ids.get(i)!,
      endpoint: this.endpoints[i]!,
      channel_id: this.channelIds[i]!,
      channel_type: this.channelTypes[i]!,
      workspace_id: this.workspaceIds[i]!,
      to: destinationOf(body),
      body,
      key_id: this.keyIds[i]!,
      at: new Date(this.ats[i]!).toISOString(),
    };
  }
}

interface Waiter {
  filter: MessageFilter;
  resolve: (message: OutboxMessage | null) => void;
  timer: NodeJS.Timeout;
}

const quote = (text: string | null): string => JSON.stringify(text);

/** The text was accepted as JSON; a byte-order mark was taken off before it was kept. */
function decodeBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

