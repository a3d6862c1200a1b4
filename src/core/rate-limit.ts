import type { RateLimit } from './duration.js';

/**
 * Per-key fixed windows (SPEC §6.1 step 5, §6.2 step 5). A window opens at a key's first request and
 * lasts `window_s`; the request that would exceed `limit` inside it is refused, with the whole seconds
 * until the window closes. The clock is the `now` each call passes, so tests need no timers.
 */
export type RateDecision = { ok: true } | { ok: false; retryAfter: number };

export interface RateLimiter {
  take(keyId: string, limit: RateLimit, now: number): RateDecision;
  /** What `take` would answer now, counting nothing: a dry run's look at the window. */
  peek(keyId: string, limit: RateLimit, now: number): RateDecision;
}

const OPEN: RateDecision = { ok: true };

interface Window {
  start: number;
  end: number;
  count: number;
}

/** Above this many tracked keys, closed windows are swept so that memory stays bounded. */
const SWEEP_AT = 100_000;

export class FixedWindowLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();

  take(keyId: string, limit: RateLimit, now: number): RateDecision {
    let w = this.windows.get(keyId);
    // A clock that went backwards also opens a new window rather than refusing for a long time.
    if (!w || now >= w.end || now < w.start) {
      if (!w && this.windows.size >= SWEEP_AT) this.sweep(now);
      w = { start: now, end: now + limit.window_s * 1000, count: 0 };
      this.windows.set(keyId, w);
    }
    if (w.count >= limit.limit) return full(w, now);
    w.count++;
    return OPEN;
  }

  peek(keyId: string, limit: RateLimit, now: number): RateDecision {
    const w = this.windows.get(keyId);
    return !w || now >= w.end || now < w.start || w.count < limit.limit ? OPEN : full(w, now);
  }

  private sweep(now: number): void {
    for (const [id, w] of this.windows) if (now >= w.end) this.windows.delete(id);
    // Still full: 100,000 keys each inside a window at once. Forgetting them beats unbounded memory.
    if (this.windows.size >= SWEEP_AT) this.windows.clear();
  }
}

/** Refused: the whole seconds until the window closes, at least 1. */
function full(w: Window, now: number): RateDecision {
  return { ok: false, retryAfter: Math.max(1, Math.ceil((w.end - now) / 1000)) };
}

/**
 * The shared windows' rule (SPEC §11 "counted across all verifiers"): a batch of `batch` requests
 * of one key added its count to the window at once, and the window then held `total`; the request
 * at `place` (1-based) in the batch is admitted when its place in the window is within the limit.
 */
export function admittedInWindow(total: number, batch: number, place: number, limit: number): boolean {
  return total - batch + place <= limit;
}

/**
 * The decision's limiter when the windows are counted in a shared keystore: it refuses at once only
 * a key whose window this verifier knows is full (until it closes), so that a full window costs no
 * round trip; any other request of a limited key is admitted here provisionally, and the verifier
 * asks the shared count (`settle` gives the outcome).
 */
export class SharedWindowGate implements RateLimiter {
  private readonly fullUntil = new Map<string, number>();

  take(keyId: string, _limit: RateLimit, now: number): RateDecision {
    return this.peek(keyId, _limit, now);
  }

  peek(keyId: string, _limit: RateLimit, now: number): RateDecision {
    const until = this.fullUntil.get(keyId);
    if (until === undefined) return OPEN;
    // A clock that went backwards forgets the flag rather than refusing for a long time.
    if (now >= until || until - now > _limit.window_s * 1000) {
      this.fullUntil.delete(keyId);
      return OPEN;
    }
    return { ok: false, retryAfter: Math.max(1, Math.ceil((until - now) / 1000)) };
  }

  /** The outcome for one request of a counted batch; a window seen full is remembered until it closes. */
  settle(keyId: string, limit: RateLimit, counted: { total: number; batch: number; place: number; closesInMs: number }, now: number): RateDecision {
    const { total, batch, place, closesInMs } = counted;
    if (total >= limit.limit) {
      if (this.fullUntil.size >= SWEEP_AT) this.fullUntil.clear();
      this.fullUntil.set(keyId, now + closesInMs);
    }
    if (admittedInWindow(total, batch, place, limit.limit)) return OPEN;
    return { ok: false, retryAfter: Math.max(1, Math.ceil(closesInMs / 1000)) };
  }
}
