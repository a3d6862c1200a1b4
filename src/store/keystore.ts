import type { Channel, ChannelType, KeyRecord, SubjectType, Waba, Workspace } from '../core/model.js';
import type { WebhookScheme } from '../core/webhook-model.js';
import type {
  AttemptRecord, AuditEntry, DeliveryRecord, DeliveryStatus, Dependants, KeyFilter, KeyStateRow, KeystoreSummary, NewKey, SubjectRow,
  WebhookRecord, WebhookSecretRow,
} from './records.js';

/*
 * What app/ may ask of a keystore, in octo's words: no SQL, no driver type, no connection handle.
 * store/sqlite/ implements it today; a PostgreSQL keystore is meant to stand beside it (SPEC §11).
 *
 * Every repository method is asynchronous, so that a keystore across the network (PostgreSQL) and
 * the embedded one (SQLite, whose promises are settled when the call returns) stand behind one set
 * of use cases. Each returns plain values (records, arrays, counts), never a statement, cursor or
 * row object. The streams, `keys.iterate` and `keys.states`, are AsyncIterables; while one is being
 * read, nothing else may be asked of the same keystore.
 *
 * The two methods the verifier asks on every turn of the event loop, changeCounter() and
 * commitStamp(), stay synchronous: they answer from what this process already knows.
 *
 * Errors (store/errors.ts), never a driver's: an insert throws UniqueViolation naming the rule it
 * would break; any call may throw KeystoreUnavailable when the keystore cannot be read or written
 * now. A transaction that throws leaves nothing written.
 */
export interface Keystore {
  readonly keys: KeysRepository;
  readonly subjects: SubjectsRepository;
  readonly audit: AuditRepository;
  readonly meta: MetaRepository;
  readonly webhooks: WebhooksRepository;
  /**
   * Rate-limit windows counted in the keystore, so that several verifiers share them (PostgreSQL).
   * Absent where one verifier owns the keystore's windows in memory (SQLite).
   */
  readonly rateWindows?: RateWindows;
  /** The local twin's outbox and request journal, as `octo serve` writes them (SPEC §12). */
  readonly twin: TwinRepository;

  /**
   * Runs `fn` as one write transaction: all of it is committed or none of it. Concurrent writers
   * (other processes included) queue behind each other, so what `fn` reads stays true until it
   * commits. Whatever `fn` throws rolls it back and is rethrown as it was. `fn` awaits only this
   * keystore's calls (SQLite's transaction holds the one connection while it runs).
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;

  /**
   * A token that changes whenever another connection or process has committed (SQLite's
   * data_version; PostgreSQL's change counter as last announced to this process): the authoritative
   * "cached records may be stale". Our own commits need not move it, so a writer that caches clears
   * its own cache. Synchronous: it is read on every turn of the verifier's event loop.
   */
  changeCounter(): number;

  /**
   * Called once by a verifier (`octo serve`) before it answers: from then on changeCounter() follows
   * every other process's commits, and a command that changes a key returns only once this process
   * has seen the change (SPEC §11: "judged by its new state on the next request"). A no-op where
   * changeCounter() reads the shared state itself (SQLite).
   */
  followChanges(): Promise<void>;

  /**
   * A cheap stamp of the last commit by any connection, this one included: equal stamps mean
   * nothing was committed in between. null when no cheap stamp can be read (yet): then ask
   * changeCounter(). Read it through a CommitWatch.
   */
  commitStamp(): string | null;

  /**
   * Whether this keystore answers now, as `/healthz` reports it (SPEC §11 "Fail closed"). Absent
   * where the keystore is a file this process holds open (SQLite): it always does. PostgreSQL: the
   * verifier's lease is live and its last renewal went through, else one bounded probe.
   */
  reachable?(): boolean | Promise<boolean>;

  /**
   * The verifiers registered on this keystore (`octo status`), and the change version they are
   * measured against. Absent where a verifier registers nowhere (SQLite).
   */
  verifiers?(): Promise<{ version: number; verifiers: VerifierRow[] }>;

  /** Counts and the schema version, as `backup` and `restore` report them. */
  summary(): Promise<KeystoreSummary>;

  /**
   * Writes a consistent, private octo SQLite keystore file (the backup format, whatever the
   * backend) while others keep writing; never replaces an existing `file` unless `overwrite`.
   */
  backupTo(file: string, overwrite: boolean): Promise<KeystoreSummary>;

  /**
   * Replaces this keystore's whole content with the source's in one transaction, so a running
   * verifier sees the old keystore or the restored one, never a mix; the source is discarded after.
   */
  replaceWith(source: RestoreSource): Promise<void>;

  close(): Promise<void>;
}

/**
 * An existing keystore opened as it is, for a look that changes nothing (`octo status`): nothing
 * created, no migration, so an older schema is reported as it is. Read `store` only where
 * `schemaVersion` is above 0 (an empty file no command has set up yet has no tables).
 */
export interface KeystoreLook {
  readonly store: Keystore;
  /** The schema version as found. */
  readonly schemaVersion: number;
}

/** A backup file opened for a restore: a checked, migrated private working copy of it. */
export interface RestoreSource {
  /** The copy, into which the restore records itself before the copy goes live. */
  readonly store: Keystore;
  /** Removes the working copy (after the restore, or when the user declines it). */
  discard(): Promise<void>;
}

export interface KeysRepository {
  insert(key: NewKey): Promise<void>;
  findByHash(hash: Buffer): Promise<KeyRecord | undefined>;
  findById(id: string): Promise<KeyRecord | undefined>;
  /** Ids starting with `prefix`, at most `limit` (enough to tell unique from ambiguous). */
  idsWithPrefix(prefix: string, limit?: number): Promise<string[]>;
  /** Ids of the keys named `name` (bearer keys), active ones first, then the newest: for hints. */
  idsNamed(name: string, limit?: number): Promise<string[]>;
  activeFor(subjectType: SubjectType, subjectId: string): Promise<KeyRecord | undefined>;
  /** The sealed secret of a workspace, channel or WABA key (null for bearer keys). */
  sealedSecret(id: string): Promise<Buffer | null>;
  /** Every key of a subject, whatever its state, oldest first. */
  forSubject(subjectType: SubjectType, subjectId: string): Promise<KeyRecord[]>;
  rename(id: string, name: string): Promise<void>;
  /**
   * Records (oldest first unless `filter.sort` says otherwise), streamed, so that a listing of
   * 100,000 keys never sits in memory whole; `filter.limit` bounds what is read, not only shown.
   */
  iterate(filter?: KeyFilter): AsyncIterable<KeyRecord>;
  /**
   * Every key's id, kind and stored state fields, streamed (the same rule as `iterate` while it is
   * read): counting a million keys reads these columns rather than the joined record.
   */
  states(): AsyncIterable<KeyStateRow>;
  /** First half of a rotation: false when the key was no longer active (another process rotated or revoked it). */
  retire(id: string, graceUntil: number): Promise<boolean>;
  /** Second half, once the successor exists. */
  linkSuccessor(id: string, successor: string): Promise<void>;
  /** False when the key was already revoked. */
  revoke(id: string, at: number, reason: string | null): Promise<boolean>;
  setScopes(id: string, scopes: string[] | null): Promise<void>;
  /** Many last-used times in one transaction of its own; never moves a time backwards. */
  touchLastUsed(entries: Iterable<[string, number]>): Promise<void>;
}

export interface SubjectRefMatch {
  exact: SubjectRow | undefined;
  byPrefix: SubjectRow[];
}

/**
 * Workspaces, WABAs and channels. Names are unique per subject type, so a name identifies one.
 * A removed subject stays as a tombstone that only references (findRef, clash, renameClash) and
 * key records see: listings never return it, and the keystore refuses to attach a key, channel or
 * WABA to it (ParentRemoved).
 */
export interface SubjectsRepository {
  addWorkspace(w: Workspace): Promise<void>;
  addWaba(w: Waba): Promise<void>;
  addChannel(c: Channel): Promise<void>;
  /**
   * A subject by id or name (an id wins; a tombstone too, so that the caller can say it was
   * removed), else the live ones whose id starts with `ref` (at most 11).
   */
  findRef(type: SubjectType, ref: string): Promise<SubjectRefMatch>;
  /** A subject (tombstones too) whose id or name is this id or this name (id collisions first), if any. */
  clash(type: SubjectType, id: string, name: string): Promise<SubjectRow | undefined>;
  /** Another subject of `type` (tombstones too) whose id or name is `name`: renaming `id` to it would clash. */
  renameClash(type: SubjectType, id: string, name: string): Promise<SubjectRow | undefined>;
  /** False when the subject is not there, or was removed meanwhile. */
  rename(type: SubjectType, id: string, name: string): Promise<boolean>;
  /** Makes the subject a tombstone; false when it was removed already. */
  markRemoved(type: SubjectType, id: string, at: number): Promise<boolean>;
  /** The live channels, WABAs and webhook endpoints under a workspace, or the numbers of a WABA. */
  dependants(type: SubjectType, id: string): Promise<Dependants>;
  workspace(id: string): Promise<Workspace | undefined>;
  waba(id: string): Promise<Waba | undefined>;
  channel(id: string): Promise<Channel | undefined>;
  listWorkspaces(): Promise<Workspace[]>;
  listWabas(workspaceId?: string): Promise<Waba[]>;
  listChannels(filter?: { workspaceId?: string; wabaId?: string; type?: ChannelType }): Promise<Channel[]>;
}

/** The outbox (`messages`) or the request journal (`requests`). */
export type TwinKind = 'messages' | 'requests';

/** A record of the local twin: the entry as the verifier wrote it (a StoredMessage or StoredRequest), parsed. */
export interface TwinRecord {
  /** Increases with every record appended, whichever verifier appended it. */
  seq: number;
  entry: TwinEntry;
}

/** What every stored entry has: its time in epoch ms; journal entries also their status and reason. */
export interface TwinEntry {
  at: number;
  status?: number;
  reason?: string;
}

/** Records to append, oldest first: `count` entries as segment text (twin-log.ts's segmentEntries), the last at `atLast`. */
export interface TwinBatch {
  entries: string;
  count: number;
  atLast: number;
}

/** A batch to append as one segment, and the retention of its kind. */
export interface TwinWrite {
  kind: TwinKind;
  batch: TwinBatch;
  keep: number;
}

/** Which records a page reads: at most `limit`, newest first unless `oldestFirst`. */
export interface TwinPage {
  limit: number;
  oldestFirst?: boolean;
  /** Only records with a greater seq. */
  after?: number;
  /** Only records with a smaller seq: the next page of a listing. */
  before?: number;
  /** Epoch ms: only records at or after it. */
  since?: number;
  /**
   * Strings the caller looks for, all of them, in records' JSON string values (a destination, a
   * body's text): a segment whose text lacks one of them, and has no escape (`\`) that could hide
   * it, is not parsed. A hint only: the records of a segment that may hold them are all returned.
   */
  containing?: readonly string[];
  /** Journal entries: a status (`401`) or a class (`4xx`), and a reason. */
  status?: string;
  reason?: string;
}

/**
 * The local twin in the keystore (SPEC §12): store/twin-log.ts over each backend's tables. Nothing
 * here changes what a verifier decides on: no change counter moves, and on PostgreSQL appends do
 * not queue behind the writers' lock.
 */
export interface TwinRepository {
  /**
   * Appends each write's batch, in order, after every record there is (whichever verifier wrote
   * it), and keeps only the newest `keep` records of its kind. `stored(write)` is called once that
   * write, and every write of its kind before it, is in the keystore: on SQLite after the
   * transaction that holds it commits (one holds many writes: an fsync per segment cost a verifier
   * throughput, BENCHMARKS.md), on PostgreSQL after each write's statement. `writes` is read as
   * it is written, so a caller may build each batch only when it is asked for.
   */
  append(writes: Iterable<TwinWrite>, stored?: (write: TwinWrite) => void): Promise<void>;
  page(kind: TwinKind, page: TwinPage): Promise<TwinRecord[]>;
  /** The seq of the newest record (0 when there is none). */
  last(kind: TwinKind): Promise<number>;
  /** Empties both (a reset); seqs go on from where they were. */
  clear(): Promise<void>;
}

export interface AuditRepository {
  record(e: AuditEntry): Promise<void>;
  /**
   * Oldest first, or newest first with `newestFirst`, at most `limit`; with `keyId`, every event
   * that touched that key (a rotation touches both).
   */
  list(filter: { keyId?: string; since?: number; newestFirst?: boolean; limit?: number }): Promise<(AuditEntry & { id: number })[]>;
}

export interface MetaRepository {
  get(key: string): Promise<string | undefined>;
  /** Sets `key` only if it has no value yet; returns the value in force afterwards. */
  setIfAbsent(key: string, value: string): Promise<string>;
}

/** Webhook endpoints, their secrets, deliveries and attempts. */
export interface WebhooksRepository {
  /** Without a scheme, the keystore's default (`octo`). */
  insert(w: Omit<WebhookRecord, 'removedAt' | 'scheme'> & { scheme?: WebhookScheme }): Promise<void>;
  /** A removed endpoint is found only with `includeRemoved` (its deliveries stay listable). */
  find(id: string, opts?: { includeRemoved?: boolean }): Promise<WebhookRecord | undefined>;
  idsWithPrefix(prefix: string, opts?: { includeRemoved?: boolean }, limit?: number): Promise<string[]>;
  /** The active endpoints, oldest first. */
  list(): Promise<WebhookRecord[]>;
  /** Marks the endpoint removed and cancels what was still to be delivered; returns how many. */
  remove(id: string, at: number): Promise<number>;
  insertSecret(webhookId: string, s: Omit<WebhookSecretRow, 'expiresAt'>): Promise<void>;
  /** The secrets that sign at `now`, the current (newest) first. */
  validSecrets(webhookId: string, now: number): Promise<WebhookSecretRow[]>;
  /** Every secret every endpoint has had, removed endpoints included: what `keys scan` matches against. */
  everySecret(): Promise<(WebhookSecretRow & { webhookId: string; webhookRemovedAt: number | null })[]>;
  latestGeneration(webhookId: string): Promise<number>;
  /** First half of a rotation: a previous secret in its grace stops now; the current one signs until `graceUntil`. */
  retireSecrets(webhookId: string, now: number, graceUntil: number): Promise<void>;
  insertDelivery(d: DeliveryRecord): Promise<void>;
  /** Pending deliveries due at `now` on endpoints not removed, oldest due first, ties in the order they were made. */
  due(now: number, limit: number): Promise<DeliveryRecord[]>;
  /** Moves a pending delivery's due time (a lease while an attempt runs); false if it was not pending. */
  reschedule(id: string, at: number): Promise<boolean>;
  /** The earliest time a pending delivery is due (or its lease ends), if any. */
  nextDueAt(): Promise<number | null>;
  /**
   * Records one attempt and the delivery's next state (a delivery cancelled meanwhile keeps its
   * state). `claimedUntil`, the due time its claim set (its lease): nothing is recorded, and false
   * returned, when the delivery is pending with another due time, that is, its lease ran out and it
   * was claimed again (or released): the late outcome of a lost lease is not the delivery's.
   */
  recordAttempt(a: AttemptRecord, next: { status: DeliveryStatus; nextAttemptAt: number | null; claimedUntil?: number }): Promise<boolean>;
  /** The newest deliveries of an endpoint first. */
  deliveriesOf(webhookId: string, limit: number): Promise<DeliveryRecord[]>;
  attemptsOf(deliveryId: string): Promise<AttemptRecord[]>;
}

/**
 * One reader's view of the keystore's commits: `moved()` is true when anything may have been
 * committed by any connection since this reader's previous call (always true where no stamp can be
 * read). Each reader keeps its own, so no reader can take a change from another.
 */
/** An `octo serve` process as it registered itself; times in epoch ms by the database's clock. */
export interface VerifierRow {
  host: string;
  pid: number;
  startedAt: number;
  appliedVersion: number;
  leaseUntil: number;
  /** The database's clock when this was read: the lease is live while leaseUntil is past it. */
  readAt: number;
}

/** One fixed window per key, counted where every verifier counts (SPEC §11). */
export interface RateWindows {
  /**
   * Adds `n` requests to the key's open window, or opens one of `windowMs` with them when none is
   * open (by the keystore's clock); the window's total after the addition and the ms until it closes.
   */
  add(keyId: string, n: number, windowMs: number): Promise<{ total: number; closesInMs: number }>;
}

export class CommitWatch {
  private last: string | null = null;

  constructor(private readonly store: Keystore) {}

  moved(): boolean {
    const stamp = this.store.commitStamp();
    const moved = stamp === null || stamp !== this.last;
    this.last = stamp;
    return moved;
  }
}
