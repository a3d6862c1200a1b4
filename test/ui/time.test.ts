import { describe, expect, it } from 'vitest';
import { formatTime } from '../../src/ui/time.js';

describe('times in human output', () => {
  it.each([
    ['2026-12-02T13:21:40.123Z', '2026-12-02 13:21:40 UTC'],
    [Date.UTC(2026, 11, 2, 13, 21, 40, 999), '2026-12-02 13:21:40 UTC'],
    ['2026-12-02T13:21:40Z', '2026-12-02 13:21:40 UTC'],
    ['2026-12-02T14:21:40+01:00', '2026-12-02 13:21:40 UTC'],
  ])('%s → %s', (at, text) => {
    expect(formatTime(at)).toBe(text);
  });

  it('says what stands for no time', () => {
    expect(formatTime(null)).toBe('');
    expect(formatTime(null, 'never')).toBe('never');
  });
});
