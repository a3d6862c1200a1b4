import { OctoError } from '../core/errors.js';
import { decideDryRun, decideRequest, DryRunPresented, Presented, readDryRun, readRequest, type Credentials, type DecisionDeps } from '../core/decision.js';
import type { ParsedBody } from '../core/payload.js';
import { FixedWindowLimiter, type RateLimiter } from '../core/rate-limit.js';
import type { Verdict } from '../core/verdict.js';
import { verdictView, type VerdictView } from '../core/verdict-view.js';
import type { Keystore } from '../store/keystore.js';
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
export function dryRun(lookup: KeystoreLookup, request: DryRunRequest, now: number, limiter: RateLimiter | null = null): VerdictView {
  lookup.refresh();
  // --channel takes a name or an id prefix, as every option naming a subject does.
  const channelId = request.channelId === null ? null : lookup.channelIdFor(request.channelId);
  // The key is identified first (what the verifier knows of it), then judged.
  const read = readDryRun({ ...request, channelId });
  const verdict = read instanceof DryRunPresented ? decideDryRun(read, lookup.identify(read.key), now, lookup, limiter) : read;
  const endpoint = request.endpoint && `${request.endpoint.method} ${request.endpoint.path}`;
  const view = verdictView(verdict, endpoint, now);
  // A revoked key never comes back: the hint names the key doing its job now, or a command that
  // issues one and that octo will not refuse (only the keystore can tell which). Dry runs only.
  if (!verdict.valid && verdict.key && view.hint === undefined && verdict.reason === 'revoked') {
    const heir = heirOf(lookup.store, verdict.key);
    view.hint = heir
      ? `use ${heir.id}, the key in use now${heir.kind === 'bearer' ? '' : ` (\`octo keys copy ${heir.id} --print\`)`}`
      : replacementHint(lookup.store, verdict.key);
  }
  return view;
}


/**
 * `octo keys verify` without --server. A missing keystore is an error, not a new empty one, even at
 * the default location: a verdict of `unknown_key` there would send the user looking for the key.
 */
export function verifyKey(ctx: AppContext, request: DryRunRequest): VerdictView {
  if (!ctx.keystoreExists()) {
    throw new OctoError('keystore_missing', `no keystore at ${ctx.dbPath}`, {
      hint: 'pass --db (or OCTO_DB) with the keystore that holds this key, or --server with a running `octo serve`',
    });
  }
  return dryRun(new KeystoreLookup(ctx.store), request, ctx.now());
}

/**
 * The verifier behind `octo serve`: the cached keystore lookup, per-key rate-limit counters kept in
 * this process, and batched `last_used_at` for accepted requests.
 */
export class Verifier {
  readonly lookup: KeystoreLookup;
  private readonly limiter = new FixedWindowLimiter();
  private readonly deps: DecisionDeps;
  private readonly usage: UsageRecorder;

  constructor(store: Keystore, private readonly now: () => number, onFlushError: (err: unknown) => void = () => {}) {
    this.lookup = new KeystoreLookup(store);
    this.deps = { lookup: this.lookup, limiter: this.limiter };
    // The flush is our own write, which data_version does not report: drop the cached records.
    this.usage = new UsageRecorder(store, () => this.lookup.clear(), onFlushError);
  }

  /**
   * Identify, then decide. Over SQLite the key is identified at once (from memory, or by one indexed
   * read), so the whole answer is synchronous: no promise and no microtask per request.
   */
  decide(method: string, path: string, credentials: Credentials, body: () => ParsedBody): Verdict {
    this.lookup.refresh();
    const read = readRequest(method, path, credentials, body);
    if (!(read instanceof Presented)) return read;
    const now = this.now();
    const verdict = decideRequest(read, this.lookup.identify(read.key), now, this.deps);
    if (verdict.valid) this.usage.record(verdict.key.id, now);
    return verdict;
  }

  /** Looks at this verifier's rate-limit counters without counting: a key at its limit gets a warning. */
  dryRun(request: DryRunRequest): VerdictView {
    return dryRun(this.lookup, request, this.now(), this.limiter);
  }

  start(): void {
    this.usage.start();
  }

  /** Writes the last pending `last_used_at` times. */
  stop(): void {
    this.usage.stop();
  }
}
