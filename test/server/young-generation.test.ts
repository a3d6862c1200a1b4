import { describe, expect, it } from 'vitest';
import { CHECK_EVERY, YoungGenerationGovernor, youngGenerationSize } from '../../src/server/young-generation.js';

describe('the young-generation governor of `octo serve`', () => {
  it('looks at the heap once every CHECK_EVERY requests, and stops growth once, at the limit', () => {
    const sizes = [1, 4, 8];
    let looks = 0;
    let stops = 0;
    const governor = new YoungGenerationGovernor(8, () => sizes[looks++]!, () => stops++);
    const requests = (n: number) => {
      for (let i = 0; i < n; i++) governor.tick();
    };
    requests(CHECK_EVERY - 1);
    expect([looks, stops]).toEqual([0, 0]);
    requests(1);
    expect([looks, stops]).toEqual([1, 0]);
    requests(CHECK_EVERY * 2);
    expect([looks, stops]).toEqual([3, 1]);
    // Held for good: no more looks, however many requests follow.
    requests(CHECK_EVERY * 10);
    expect([looks, stops]).toEqual([3, 1]);
  });

  it('reads the size V8 reports for its young generation (a renamed heap space would leave growth unchecked)', () => {
    const size = youngGenerationSize();
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThanOrEqual(64 * 1024 * 1024);
  });
});
