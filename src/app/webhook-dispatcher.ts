import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../core/retry-policy.js';
import type { AcceptedMessage } from '../core/webhook-events.js';
import type { DispatchLog } from '../core/webhook-model.js';
import { CommitWatch } from '../store/keystore.js';
import type { DeliveryRecord, WebhookRecord } from '../store/records.js';
import type { AppContext } from './context.js';
import {
  attemptDelivery, claimDue, enqueueMessageEvents, recordOutcome, releaseLease, type EventDelays,
} from './webhook-deliveries.js';

export type { AcceptedMessage } from '../core/webhook-events.js';
export type { DispatchLog } from '../core/webhook-model.js';

export interface DispatcherOptions {
  /** Retries after the first attempt (`serve --webhook-retries N`); default 5. */
  retries?: number;
  /** First backoff step and its cap, in ms; defaults 1 s and 60 s. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
  /** Attempts in flight at once; default 8. */
  concurrency?: number;
  /** The longest sleep between looks at the keystore (rows another process added); default 1 s. */
  pollMs?: number;
  /** Simulated delays after acceptance; defaults 0, 250 ms, 750 ms. */
  delays?: Partial<EventDelays>;
  /** How long stop() lets in-flight attempts finish; default the attempt timeout. */
  stopGraceMs?: number;
  /** In [0, 1), for the backoff jitter; tests pass a constant. */
  random?: () => number;
  /** One entry per attempt, and per error that did not stop the dispatcher. */
  log?: (entry: DispatchLog) => void;
}

interface InFlight {
  promise: Promise<void>;
  controller: AbortController;
}

/** How long accepted messages are gathered before their deliveries are written. */
const ACCEPT_BATCH_MS = 10;

/**
 * The delivery worker of `octo serve`. Deliveries are keystore rows: messageAccepted() records
 * them (batched, after the caller returns), a timer sends the due ones, and each attempt's outcome
 * is written back with the next due time. stop() lets in-flight attempts finish (bounded) and
 * leaves everything else pending, to be resumed by the next start(), in this process or another.
 */
export class WebhookDispatcher {
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly delays: EventDelays;
  private readonly stopGraceMs: number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Map<string, InFlight>();
  /** Endpoint-and-message lanes with an attempt in flight: the next event of one waits, unclaimed. */
  private readonly busyLanes = new Set<string>();
  private accepted: AcceptedMessage[] = [];
  private acceptTimer: NodeJS.Timeout | undefined;
  private endpoints: readonly WebhookRecord[] = [];
  private commits: CommitWatch | undefined;

  constructor(private readonly ctx: AppContext, private readonly opts: DispatcherOptions = {}) {
    this.policy = {
      retries: opts.retries ?? DEFAULT_RETRY_POLICY.retries,
      baseMs: opts.backoffBaseMs ?? DEFAULT_RETRY_POLICY.baseMs,
      maxMs: opts.backoffMaxMs ?? DEFAULT_RETRY_POLICY.maxMs,
    };
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.concurrency = opts.concurrency ?? 8;
    this.pollMs = opts.pollMs ?? 1_000;
    this.delays = { 'message.queued': 0, 'message.sent': 250, 'message.delivered': 750, ...opts.delays };
    this.stopGraceMs = opts.stopGraceMs ?? this.timeoutMs;
  }

  /** Starts sending, beginning with whatever is pending in the keystore. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.wake(0);
  }

  /**
   * Never blocks the caller: the message is queued in memory and written with the others accepted
   * within ACCEPT_BATCH_MS (one read of the endpoints and one transaction per batch: once per turn
   * of the event loop, that read was 0.3 µs of every SMS request under load). After stop() it is
   * written at once, pending for the next start().
   */
  messageAccepted(m: AcceptedMessage): void {
    this.accepted.push(m);
    if (!this.running) return void this.flush();
    this.acceptTimer ??= setTimeout(() => void this.flush(), ACCEPT_BATCH_MS);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.flush();
    const all = Promise.allSettled([...this.inFlight.values()].map((f) => f.promise));
    if (await settlesWithin(all, this.stopGraceMs)) return;
    // Past the grace: stop the stragglers; their leases are released, so they are due at once next time.
    for (const f of this.inFlight.values()) f.controller.abort();
    await settlesWithin(all, 1_000);
  }

  /**
   * The active endpoints, read again only when some connection has committed since the last read
   * (the keystore's commit stamp moved; without a stamp, every time). A lone read every 10 ms was
   * 50–60 µs, its caches cold, where the stamp is one pread.
   */
  private readonly activeEndpoints = async (): Promise<readonly WebhookRecord[]> => {
    const store = await this.ctx.keystore();
    this.commits ??= new CommitWatch(store);
    if (this.commits.moved()) this.endpoints = await store.webhooks.list();
    return this.endpoints;
  };

  /** Writes the messages accepted so far; never rejects (an error is logged, the batch dropped as before). */
  private async flush(): Promise<void> {
    clearTimeout(this.acceptTimer);
    this.acceptTimer = undefined;
    const batch = this.accepted;
    this.accepted = [];
    try {
      if ((await enqueueMessageEvents(this.ctx, batch, this.delays, this.activeEndpoints)) > 0) this.wake(0);
    } catch (err) {
      this.report(err);
    }
  }

  private wake(delayMs: number): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), Math.max(0, Math.min(delayMs, this.pollMs)));
    // The server's socket keeps the process alive, not this timer.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    try {
      const free = this.concurrency - this.inFlight.size;
      // Looks past the rows of busy lanes, which are left due: each busy lane hides at most its
      // message's next events.
      const claimed = free > 0
        ? await claimDue(this.ctx, free + this.busyLanes.size * 2, this.ctx.now() + this.timeoutMs + 5_000, (due) => this.unblocked(due, free))
        : [];
      for (const d of claimed) this.launch(d);
      // Full: the next attempt to finish wakes the loop. Otherwise sleep until the next due row,
      // but never spin on one that could not be claimed.
      if (this.inFlight.size >= this.concurrency) return this.wake(this.pollMs);
      const next = await (await this.ctx.keystore()).webhooks.nextDueAt();
      const wait = next === null ? this.pollMs : next - this.ctx.now();
      this.wake(wait <= 0 && claimed.length === 0 ? this.pollMs : wait);
    } catch (err) {
      this.report(err);
      this.wake(this.pollMs);
    }
  }

  /**
   * At most `free` of `due`, none in a busy lane and one per lane. So one message's events reach an
   * endpoint in the order they happened (queued, sent, delivered), even when two are due at once or
   * the first is still in flight: the later one is claimed once the attempt before it has ended,
   * and its lease, taken then, covers its own attempt only. Only a failed attempt's retry can still
   * arrive after a later event.
   */
  private unblocked(due: DeliveryRecord[], free: number): DeliveryRecord[] {
    const picked: DeliveryRecord[] = [];
    const lanes = new Set<string>();
    for (const d of due) {
      if (picked.length === free) break;
      const lane = laneOf(d);
      if (lane !== null) {
        if (this.busyLanes.has(lane) || lanes.has(lane)) continue;
        lanes.add(lane);
      }
      picked.push(d);
    }
    return picked;
  }

  private launch(d: DeliveryRecord): void {
    const controller = new AbortController();
    const lane = laneOf(d);
    const promise: Promise<void> = (async () => {
      const outcome = await attemptDelivery(this.ctx, d, { timeoutMs: this.timeoutMs, signal: controller.signal });
      if (outcome.aborted) return releaseLease(this.ctx, d.id);
      const step = await recordOutcome(this.ctx, d, outcome, this.policy, this.opts.random);
      this.opts.log?.({
        event: 'webhook', delivery: d.id, webhook: d.webhookId, type: d.eventType, attempt: d.attempts + 1,
        code: outcome.code, error: outcome.error, ms: outcome.durationMs, status: step.status,
        retry_in_ms: step.status === 'pending' ? step.delayMs : null,
      });
    })()
      .catch((err: unknown) => this.report(err))
      .finally(() => {
        this.inFlight.delete(d.id);
        if (lane !== null) this.busyLanes.delete(lane);
        this.wake(0);
      });
    this.inFlight.set(d.id, { promise, controller });
    if (lane !== null) this.busyLanes.add(lane);
  }

  private report(err: unknown): void {
    this.opts.log?.({ event: 'webhook_error', message: err instanceof Error ? err.message : String(err) });
  }
}

/** A message event's endpoint and message; null for what belongs to no message (a test event). */
function laneOf(d: DeliveryRecord): string | null {
  const messageId = (JSON.parse(d.payload) as { data?: { message_id?: unknown } }).data?.message_id;
  return typeof messageId === 'string' ? `${d.webhookId} ${messageId}` : null;
}

async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
