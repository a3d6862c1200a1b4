import type { ChannelOwner, DecisionLookup, Identified } from '../core/decision.js';
import { lookupHash } from '../core/key-format.js';
import type { Channel, ChannelType, KeyRecord } from '../core/model.js';
import { CommitWatch, type Keystore } from '../store/keystore.js';

/** The most entries one cache map holds. */
const MAX_ENTRIES = 100_000;

/**
 * The verifier's view of the keystore: what each key text sent turned out to be (`identify`, asked
 * before the decision), and the live channels the decision reads, all cached and dropped whenever
 * another connection has committed (PRAGMA data_version, checked by `refresh()` before decisions). A
 * key created, revoked, rotated or re-scoped by the CLI is therefore seen by the very next request,
 * while an unchanged keystore costs one read of the WAL-index header per turn of the event loop.
 * Records are cached raw: expiry and grace are judged against the clock on every decision, never
 * cached.
 *
 * The decision (core/decision.ts) is synchronous and pure, so it reads channels from memory only:
 * one snapshot of every live channel (a small table), loaded with the first key looked up after a
 * clear. A key found in the cache therefore comes with its snapshot, and is answered at once.
 */
export class KeystoreLookup implements DecisionLookup {
  private version: number | null = null;
  private checkedThisTurn = false;
  /**
   * Moves with every clear(): a lookup begun before a clear (a commit meanwhile) may have read the
   * keystore as it was, so what it found must not go into the cache made after the clear.
   */
  private generation = 0;
  readonly identified = new BoundedMap<Identified>();
  private live: ChannelSnapshot | null = null;
  private loading: Promise<void> | null = null;
  private readonly owned = new BoundedMap<readonly Channel[]>();

  private readonly commits: CommitWatch;

  constructor(readonly store: Keystore) {
    this.commits = new CommitWatch(store);
  }

  /**
   * Checks for other connections' commits at most once per turn of the event loop. Every request
   * handled in one turn was read from its socket in that turn's poll, which began after any change
   * whose `octo keys …` had already returned when the client sent it; so one check per turn still
   * sees every such change, and a busy server pays one check per batch of requests, not per request.
   */
  refresh(): void {
    if (this.checkedThisTurn) return;
    this.checkedThisTurn = true;
    setImmediate(() => (this.checkedThisTurn = false));
    // One read of the WAL-index header says whether anyone has committed; only then is the read
    // transaction of PRAGMA data_version worth its cost (it was ~0.3 µs of every request under load).
    // The header is read before the pragma: a commit between the two shows at the next check.
    if (!this.commits.moved()) return;
    const version = this.store.changeCounter();
    if (version !== this.version) {
      this.clear();
      this.version = version;
    }
  }

  /** Our own writes do not move data_version, so the writer clears the cache itself. */
  clear(): void {
    this.generation++;
    this.identified.clear();
    this.live = null;
    this.loading = null;
    this.owned.clear();
  }

  /**
   * What a key text is, asked of the keystore only the first time it is sent: a key sent again is not
   * parsed, checksummed or hashed again, and is answered at once. A miss is a promise (the record and,
   * if it was cleared, the channel snapshot): decide only once channelsReady() is null. A malformed
   * value is never kept: its answer costs no hashing, and it may be any length.
   */
  identify(key: string): Identified | Promise<Identified> {
    const found = this.identified.get(key);
    if (found !== undefined) return found;
    const hash = lookupHash(key);
    if (typeof hash !== 'string') return this.identifyLater(key, hash, this.generation);
    if (hash !== 'malformed_key') this.identified.set(key, hash);
    return hash;
  }

  private async identifyLater(key: string, hash: Buffer, generation: number): Promise<Identified> {
    const [record] = await Promise.all([this.findKey(hash), this.channelsReady()]);
    const found = record ?? 'unknown_key';
    if (generation === this.generation) this.identified.set(key, found);
    return found;
  }

  findKey(hash: Buffer): Promise<KeyRecord | undefined> {
    return this.store.keys.findByHash(hash);
  }

  /**
   * null when the channel snapshot is in memory, else the promise of its load. A decision is made in
   * the same synchronous stretch as the check that returned null, since a clear() may come between
   * any two awaits: `for (let p = lookup.channelsReady(); p; p = lookup.channelsReady()) await p;`.
   */
  channelsReady(): Promise<void> | null {
    if (this.live) return null;
    return (this.loading ??= this.loadChannels(this.generation));
  }

  private async loadChannels(generation: number): Promise<void> {
    try {
      const channels = await this.store.subjects.listChannels();
      if (generation === this.generation) this.live = new ChannelSnapshot(channels);
    } finally {
      if (generation === this.generation) this.loading = null;
    }
  }

  channel(id: string): Channel | undefined {
    return this.snapshot().byId.get(id);
  }

  /**
   * A channel given by id, name or unique id prefix, as every option naming a subject takes it; as
   * given when none or several match, so that the decision answers wrong_channel as for any other.
   * Asked of the keystore (a removed channel's name too): dry runs only, before the decision.
   */
  async channelIdFor(ref: string): Promise<string> {
    const { exact, byPrefix } = await this.store.subjects.findRef('channel', ref);
    return exact?.id ?? (byPrefix.length === 1 ? byPrefix[0]!.id : ref);
  }

  channelsOf(owner: ChannelOwner, type: ChannelType): readonly Channel[] {
    const id = 'wabaId' in owner ? `waba:${owner.wabaId}:${type}` : `ws:${owner.workspaceId}:${type}`;
    let found = this.owned.get(id);
    if (found === undefined) {
      // In the keystore's order (created, then id), as listChannels gives them.
      found = this.snapshot().all.filter((c) => c.type === type &&
        ('wabaId' in owner ? c.wabaId === owner.wabaId : c.workspaceId === owner.workspaceId));
      this.owned.set(id, found);
    }
    return found;
  }

  private snapshot(): ChannelSnapshot {
    if (!this.live) throw new Error('the channel snapshot is read before it was loaded: await channelsReady() first');
    return this.live;
  }
}

/** Every live channel, as one read of the keystore saw them. */
class ChannelSnapshot {
  readonly byId: Map<string, Channel>;

  constructor(readonly all: readonly Channel[]) {
    this.byId = new Map(all.map((c) => [c.id, c]));
  }
}

/** A Map that starts again past MAX_ENTRIES, so that a flood of random keys cannot grow it. */
class BoundedMap<T> {
  private readonly map = new Map<string, T>();

  get(key: string): T | undefined {
    return this.map.get(key);
  }

  get size(): number {
    return this.map.size;
  }

  set(key: string, value: T): void {
    if (this.map.size >= MAX_ENTRIES) this.map.clear();
    this.map.set(key, value);
  }

  clear(): void {
    this.map.clear();
  }
}
