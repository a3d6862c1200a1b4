import type { ChannelOwner, DecisionLookup, Identified } from '../core/decision.js';
import { lookupHash } from '../core/key-format.js';
import type { Channel, ChannelType, KeyRecord } from '../core/model.js';
import { CommitWatch, type Keystore } from '../store/keystore.js';

/** The most entries one cache map holds. */
const MAX_ENTRIES = 100_000;

/**
 * The verifier's view of the keystore: what each key text sent turned out to be (`identify`, asked
 * before the decision), and the channels the decision reads, all cached and dropped whenever another
 * connection has committed (PRAGMA data_version, checked by `refresh()` before decisions). A key created, revoked, rotated or
 * re-scoped by the CLI is therefore seen by the very next request, while an unchanged keystore
 * costs one read of the WAL-index header per turn of the event loop. Records are cached raw: expiry
 * and grace are judged against the clock on every decision, never cached.
 */
export class KeystoreLookup implements DecisionLookup {
  private version: number | null = null;
  private checkedThisTurn = false;
  readonly identified = new BoundedMap<Identified>();
  private readonly channels = new BoundedMap<Channel | null>();
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
    this.identified.clear();
    this.channels.clear();
    this.owned.clear();
  }

  /**
   * What a key text is, asked of the keystore only the first time it is sent: a key sent again is not
   * parsed, checksummed or hashed again. A malformed value is never kept: its answer costs no
   * hashing, and it may be any length.
   */
  identify(key: string): Identified {
    let found = this.identified.get(key);
    if (found === undefined) {
      const hash = lookupHash(key);
      found = typeof hash === 'string' ? hash : (this.findKey(hash) ?? 'unknown_key');
      if (found !== 'malformed_key') this.identified.set(key, found);
    }
    return found;
  }

  findKey(hash: Buffer): KeyRecord | undefined {
    return this.store.keys.findByHash(hash);
  }

  channel(id: string): Channel | undefined {
    let found = this.channels.get(id);
    if (found === undefined) {
      found = this.store.subjects.channel(id) ?? null;
      this.channels.set(id, found);
    }
    return found ?? undefined;
  }

  /**
   * A channel given by id, name or unique id prefix, as every option naming a subject takes it; as
   * given when none or several match, so that the decision answers wrong_channel as for any other.
   */
  channelIdFor(ref: string): string {
    const { exact, byPrefix } = this.store.subjects.findRef('channel', ref);
    return exact?.id ?? (byPrefix.length === 1 ? byPrefix[0]!.id : ref);
  }

  channelsOf(owner: ChannelOwner, type: ChannelType): readonly Channel[] {
    const id = 'wabaId' in owner ? `waba:${owner.wabaId}:${type}` : `ws:${owner.workspaceId}:${type}`;
    let found = this.owned.get(id);
    if (found === undefined) {
      found = this.store.subjects.listChannels({ ...owner, type });
      this.owned.set(id, found);
    }
    return found;
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
