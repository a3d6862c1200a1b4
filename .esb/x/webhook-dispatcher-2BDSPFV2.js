import {
  DEFAULT_RETRY_POLICY,
  attemptDelivery,
  claimDue,
  enqueueMessageEvents,
  recordOutcome,
  releaseLease
} from "./chunk-PY76FXYY.js";
import "./chunk-SP5EZO2H.js";
import "./chunk-DHA3WOUI.js";
import "./chunk-TLRGMCEY.js";
import "./chunk-RHWMYZ2G.js";
import "./chunk-KJ3HMBVV.js";
import "./chunk-O2HUYNQ3.js";
import "./chunk-MMTFBEVX.js";
import "./chunk-3TCPD4YY.js";

// dist/app/webhook-dispatcher.js
var WebhookDispatcher = class {
  ctx;
  opts;
  policy;
  timeoutMs;
  concurrency;
  pollMs;
  delays;
  stopGraceMs;
  running = !1;
  timer;
  inFlight = /* @__PURE__ */ new Map();
  accepted = [];
  flushScheduled = !1;
  constructor(ctx, opts = {}) {
    this.ctx = ctx, this.opts = opts, this.policy = {
      retries: opts.retries ?? DEFAULT_RETRY_POLICY.retries,
      baseMs: opts.backoffBaseMs ?? DEFAULT_RETRY_POLICY.baseMs,
      maxMs: opts.backoffMaxMs ?? DEFAULT_RETRY_POLICY.maxMs
    }, this.timeoutMs = opts.timeoutMs ?? 1e4, this.concurrency = opts.concurrency ?? 8, this.pollMs = opts.pollMs ?? 1e3, this.delays = { "message.queued": 0, "message.sent": 250, "message.delivered": 750, ...opts.delays }, this.stopGraceMs = opts.stopGraceMs ?? this.timeoutMs;
  }
  /** Starts sending, beginning with whatever is pending in the keystore. */
  start() {
    this.running || (this.running = !0, this.wake(0));
  }
  /**
   * Never blocks the caller: the message is queued in memory and written with others on the next
   * turn of the event loop. After stop() it is written at once, pending for the next start().
   */
  messageAccepted(m) {
    if (this.accepted.push(m), !this.running)
      return this.flush();
    this.flushScheduled || (this.flushScheduled = !0, setImmediate(() => this.flush()));
  }
  async stop() {
    this.running = !1, clearTimeout(this.timer), this.flush();
    let all = Promise.allSettled([...this.inFlight.values()].map((f) => f.promise));
    if (!await settlesWithin(all, this.stopGraceMs)) {
      for (let f of this.inFlight.values())
        f.controller.abort();
      await settlesWithin(all, 1e3);
    }
  }
  flush() {
    this.flushScheduled = !1;
    let batch = this.accepted;
    this.accepted = [];
    try {
      enqueueMessageEvents(this.ctx, batch, this.delays) > 0 && this.wake(0);
    } catch (err) {
      this.report(err);
    }
  }
  wake(delayMs) {
    this.running && (clearTimeout(this.timer), this.timer = setTimeout(() => this.tick(), Math.max(0, Math.min(delayMs, this.pollMs))), this.timer.unref());
  }
  tick() {
    if (this.running)
      try {
        let free = this.concurrency - this.inFlight.size, claimed = free > 0 ? claimDue(this.ctx, free, this.ctx.now() + this.timeoutMs + 5e3) : [];
        for (let d of claimed)
          this.launch(d);
        if (this.inFlight.size >= this.concurrency)
          return this.wake(this.pollMs);
        let next = this.ctx.store.webhooks.nextDueAt(), wait = next === null ? this.pollMs : next - this.ctx.now();
        this.wake(wait <= 0 && claimed.length === 0 ? this.pollMs : wait);
      } catch (err) {
        this.report(err), this.wake(this.pollMs);
      }
  }
  launch(d) {
    let controller = new AbortController(), promise = (async () => {
      let outcome = await attemptDelivery(this.ctx, d, { timeoutMs: this.timeoutMs, signal: controller.signal });
      if (outcome.aborted)
        return releaseLease(this.ctx, d.id);
      let step = recordOutcome(this.ctx, d, outcome, this.policy, this.opts.random);
      this.opts.log?.({
        event: "webhook",
        delivery: d.id,
        webhook: d.webhookId,
        type: d.eventType,
        attempt: d.attempts + 1,
        code: outcome.code,
        error: outcome.error,
        ms: outcome.durationMs,
        status: step.status,
        retry_in_ms: step.status === "pending" ? step.delayMs : null
      });
    })().catch((err) => this.report(err)).finally(() => {
      this.inFlight.delete(d.id), this.wake(0);
    });
    this.inFlight.set(d.id, { promise, controller });
  }
  report(err) {
    this.opts.log?.({ event: "webhook_error", message: err instanceof Error ? err.message : String(err) });
  }
};
async function settlesWithin(p, ms) {
  let timer, timeout = new Promise((resolve) => timer = setTimeout(() => resolve(!1), ms));
  try {
    return await Promise.race([p.then(() => !0), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
export {
  WebhookDispatcher
};
