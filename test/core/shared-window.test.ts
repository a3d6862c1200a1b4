import { describe, expect, it } from 'vitest';
import { admittedInWindow, SharedWindowGate } from '../../src/core/rate-limit.js';

/** The rule of windows counted in a shared keystore (SPEC §11), without a keystore. */
describe('shared rate-limit windows', () => {
  const limit = { limit: 30, window_s: 60 };

  it('admits a batch request by its place in the window total', () => {
    // 28 counted before, a batch of 5 brings the total to 33: places 29 and 30 are in, 31 to 33 out.
    expect([1, 2, 3, 4, 5].map((p) => admittedInWindow(33, 5, p, 30))).toEqual([true, true, false, false, false]);
    expect(admittedInWindow(30, 30, 30, 30)).toBe(true);
    expect(admittedInWindow(31, 1, 1, 30)).toBe(false);
  });

  it('refuses at once, with no count, a key whose window it saw full, until that window closes', () => {
    const gate = new SharedWindowGate();
    expect(gate.take('k', limit, 0)).toEqual({ ok: true });
    expect(gate.settle('k', limit, { total: 31, batch: 2, place: 1, closesInMs: 40_000 }, 1_000)).toEqual({ ok: true });
    expect(gate.settle('k', limit, { total: 31, batch: 2, place: 2, closesInMs: 40_000 }, 1_000)).toEqual({ ok: false, retryAfter: 40 });
    expect(gate.take('k', limit, 20_000)).toEqual({ ok: false, retryAfter: 21 });
    expect(gate.peek('k', limit, 40_999)).toEqual({ ok: false, retryAfter: 1 });
    expect(gate.take('k', limit, 41_000)).toEqual({ ok: true });
    // A clock that went backwards past the window forgets the flag.
    gate.settle('j', limit, { total: 30, batch: 1, place: 1, closesInMs: 10_000 }, 100_000);
    expect(gate.take('j', limit, 0)).toEqual({ ok: true });
  });
});
