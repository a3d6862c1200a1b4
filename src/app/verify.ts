import { OctoError } from '../core/errors.js';
import {
  decideDryRun, decideRequest, DryRunPresented, rateLimitedAfter, Presented, readDryRun, readRequest, type Credentials, type DecisionDeps, type Identified,
} from '../core/decision.js';
import type { ParsedBody } from '../core/payload.js';
import { FixedWindowLimiter, SharedWindowGate, type RateLimiter } from '../core/rate-limit.js';
import type { Accepted } from '../core/verdict.js';
import type { DryRunVerdict, Verdict } from '../core/verdict.js';
import { verdictView, type VerdictView } from '../core/verdict-view.js';
import { KeystoreUnavailable } from '../store/errors.js';
import type { Keystore, RateWindows } from '../store/keystore.js';
import type { AppContext } from './context.js';
import { heirOf, replacementHint } from './key-hints.js';
import { KeystoreLookup } from './keystore-lookup.js';
import { UsageRecorder } from './usage-recorder.js';

export interface DryRunRequest {
  key: string;
  endpoint: { method: string; path: string } | null;
  channelId: string | null;
}

/**
 * What the verifier would answer for this key at this endpoint, without asking one: the verdict object
 * of SPEC §7. A dry run counts nothing against a rate limit and does not touch `last_used_at`.
 */
export async function dryRun(lookup: KeystoreLookup, request: DryRunRequest, now: number, limiter: RateLimiter | null = null): Promise<VerdictView> {
  lookup.refresh();
  // --channel takes a name or an id prefix, as every option naming a subject does.
  const channelId = request.channelId === null ? null : await lookup.channelIdFor(request.channelId);
  // The key is identified first (what the verifier knows of it), then judged.
  const read = readDryRun({ ...request, channelId });
  let verdict: DryRunVerdict;
  if (read instanceof DryRunPresented) {
    const found = await lookup.identify(read.key);
    // Decided in the same synchronous stretch as the last check (see channelsReady).
    for (let p = lookup.channelsReady(); p; p = lookup.channelsReady()) await p;
    verdict = decideDryRun(read, found, now, lookup, limiter);
  } else {
    verdict = read;
  }
  const endpoint = request.endpoint && `${request.endpoint.method} ${request.endpoint.path}`;
  const view = verdictView(verdict, endpoint, now);
  // A revoked key never comes back: the hint names the key doing its job now, or a command that
  // issues one and that octo will not refuse (only the keystore can tell which). Dry runs only.
  if (!verdict.valid && verdict.key && view.hint === undefined && verdict.reason === 'revoked') {
    const heir = await heirOf(lookup.store, verdict.key);
    view.hint = heir
      ? `use ${heir.id}, the key in use now${heir.kind === 'bearer' ? '' : ` (\`octo keys copy ${heir.id} --print\`)`}`
      : await replacementHint(lookup.store, verdict.key);
  }
  return view;
}

/**
 * `octo keys verify` without --server: the same identify-then-decide as `octo serve`'s, over a
 * lookup of its own. A missing keystore is an error, not a new empty one, even at the default
 * location: a verdict of `unknown_key` there would send the user looking for the key.
 */
export async function verifyKey(ctx: AppContext, request: DryRunRequest): Promise<VerdictView> {
  const store = await ctx.existingKeystore('pass --db (or OCTO_DB) with the keystore that holds this key, or --server with a running `octo serve`');
  return dryRun(new KeystoreLookup(store), request, ctx.now());
}

/**
 * The verifier behind `octo serve`: the cached keystore lookup, per-key rate-limit counters kept in
 * this process, and batched `last_used_at` for accepted requests.
 */
export class Verifier {
  readonly lookup: KeystoreLookup;
  private readonly limiter: RateLimiter;
  /** Set where the keystore counts the windows (several verifiers); else `limiter` counts in memory. */
  private readonly shared: { windows: RateWindows; gate: SharedWindowGate } | null;
  /** This turn's requests of limited keys, counted together at the end of the turn. */
  private batches = new Map<string, Batch>();
  private readonly deps: DecisionDeps;
  private readonly usage: UsageRecorder;

  constructor(store: Keystore, private readonly now: () => number, onFlushError: (err: unknown) => void = () => {}) {
    this.lookup = new KeystoreLookup(store);
    if (store.rateWindows) {
      const gate = new SharedWindowGate();
      this.shared = { windows: store.rateWindows, gate };
      this.limiter = gate;
    } else {
      this.shared = null;
      this.limiter = new FixedWindowLimiter();
    }
    this.deps = { lookup: this.lookup, limiter: this.limiter };
    // The flush is our own write, which data_version does not report: drop the cached records.
    this.usage = new UsageRecorder(store, () => this.lookup.clear(), onFlushError);
  }

  /**
   * Identify, then decide. A key found in the cache is answered at once: no promise and no microtask
   * per request. A miss waits for the keystore (one indexed read over SQLite). Whatever the keystore
   * throws meanwhile becomes KeystoreUnavailable (the handler's 503: fail closed, SPEC §11).
   */
  decide(method: string, path: string, credentials: Credentials, body: () => ParsedBody): Verdict | Promise<Verdict> {
    try {
      this.lookup.refresh();
    } catch (err) {
      throw unavailable(err);
    }
    const read = readRequest(method, path, credentials, body);
    if (!(read instanceof Presented)) return read;
    const now = this.now();
    const found = this.lookup.identify(read.key);
    return found instanceof Promise ? this.decideLater(read, found, now) : this.judge(read, found, now);
  }

  private async decideLater(read: Presented, identified: Promise<Identified>, now: number): Promise<Verdict> {
    let found: Identified;
    try {
      found = await this.bounded(identified);
      // Decided in the same synchronous stretch as the last check (see channelsReady).
      for (let p = this.lookup.channelsReady(); p; p = this.lookup.channelsReady()) await this.bounded(p);
    } catch (err) {
      throw unavailable(err);
    }
    return this.judge(read, found, now);
  }

  /**
   * A keystore across a network (it has reachable()) may leave a read waiting on a connection that
   * will not come back: past MISS_DEADLINE_MS the request is answered 503 rather than held.
   */
  private bounded<T>(p: Promise<T>): Promise<T> {
    if (!this.lookup.store.reachable) return p;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the keystore did not answer within ${MISS_DEADLINE_MS} ms`)), MISS_DEADLINE_MS);
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  private judge(read: Presented, found: Identified, now: number): Verdict | Promise<Verdict> {
    const verdict = decideRequest(read, found, now, this.deps);
    if (verdict.valid && this.shared && verdict.key.rateLimit) return this.counted(verdict, now);
    if (verdict.valid) this.usage.record(verdict.key.id, now);
    return verdict;
  }

  /**
   * A request of a limited key, admitted by the decision, waits for the shared count: one statement
   * per key per turn of the event loop adds the turn's requests, and each is admitted by its place
   * in the total. A count that cannot be made is a 503 (fail closed), never an accept.
   */
  private counted(verdict: Accepted, now: number): Promise<Verdict> {
    const id = verdict.key.id;
    let batch = this.batches.get(id);
    if (!batch) {
      if (this.batches.size === 0) setImmediate(() => this.countBatches());
      batch = { windowMs: verdict.key.rateLimit!.window_s * 1000, waiting: [] };
      this.batches.set(id, batch);
    }
    return new Promise<Verdict>((resolve, reject) => batch.waiting.push({ verdict, now, resolve, reject }));
  }

  private countBatches(): void {
    const batches = this.batches;
    this.batches = new Map();
    for (const [id, batch] of batches) {
      this.bounded(this.shared!.windows.add(id, batch.waiting.length, batch.windowMs)).then(({ total, closesInMs }) => {
        batch.waiting.forEach((w, i) => {
          const taken = this.shared!.gate.settle(id, w.verdict.key.rateLimit!, { total, batch: batch.waiting.length, place: i + 1, closesInMs }, w.now);
          if (taken.ok) this.usage.record(id, w.now);
          w.resolve(taken.ok ? w.verdict : rateLimitedAfter(w.verdict, taken.retryAfter));
        });
      }, (err: unknown) => {
        for (const w of batch.waiting) w.reject(unavailable(err));
      });
    }
  }

  /** Looks at this verifier's rate-limit counters without counting: a key at its limit gets a warning. */
  async dryRun(request: DryRunRequest): Promise<VerdictView> {
    try {
      return await dryRun(this.lookup, request, this.now(), this.limiter);
    } catch (err) {
      throw err instanceof OctoError && !(err instanceof KeystoreUnavailable) ? err : unavailable(err);
    }
  }

  /** `/healthz`: whether the keystore can be reached now (a file always can). */
  healthy(): boolean | Promise<boolean> {
    return this.lookup.store.reachable?.() ?? true;
  }

  start(): void {
    this.usage.start();
  }

  /** Writes the last pending `last_used_at` times. */
  stop(): Promise<void> {
    return this.usage.stop();
  }
}

/** The longest a request waits for a keystore across a network to read a key it has not cached. */
const MISS_DEADLINE_MS = 2_000;

interface Batch {
  windowMs: number;
  waiting: { verdict: Accepted; now: number; resolve: (v: Verdict) => void; reject: (err: unknown) => void }[];
}

/**
 * What the verifier makes of an error from its keystore: it cannot be sure of the key, so it answers
 * 503 (never 2xx, never 500). The cause is kept for the server's log, never for the client.
 */
function unavailable(err: unknown): KeystoreUnavailable {
  if (err instanceof KeystoreUnavailable) return err;
  const wrapped = new KeystoreUnavailable('io', 'of this verifier', err instanceof Error ? err.message : String(err));
  (wrapped as { cause?: unknown }).cause = err;
  return wrapped;
}

export { KeystoreUnavailable } from '../store/errors.js';
