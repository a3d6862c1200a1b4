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
