import type { Keystore } from '../store/keystore.js';

/**
 * `last_used_at` without a write per request: accepted requests are noted in a map (latest time per
 * key) and written in one transaction every second, and once more at shutdown.
 */
export class UsageRecorder {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Keystore,
    private readonly onFlushed: () => void = () => {},
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  record(keyId: string, at: number): void {
    const previous = this.pending.get(keyId);
    if (previous === undefined || at > previous) this.pending.set(keyId, at);
  }

  start(intervalMs = 1000): void {
    this.timer ??= setInterval(() => void this.flush(), intervalMs);
    // The timer alone must not keep the process alive after the server has closed.
    this.timer.unref();
  }

  /** Never rejects: a failed write keeps its times for the next flush and is reported. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.store.keys.touchLastUsed(batch);
      this.onFlushed();
    } catch (err) {
      // Keep the times for the next attempt (a busy keystore, say); newer ones win.
      for (const [id, at] of batch) this.record(id, at);
      this.onError(err);
    }
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.flush();
  }
}
