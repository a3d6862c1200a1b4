import { UsageError } from './errors.js';

/**
 * Durations (SPEC §5): a positive integer and one unit, s m h d w. Anything else (90x, -1d, 0, 1.5h,
 * "1 d") is a usage error that shows the accepted form.
 */
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION = /^([1-9][0-9]{0,9})([smhdw])$/;

export function parseDuration(text: string, flag: string): number {
  const m = DURATION.exec(text);
  if (!m) {
    throw new UsageError(
      `invalid duration for ${flag}: "${text}"`,
      `write a positive whole number and a unit (s, m, h, d or w), e.g. ${flag} 90d`,
      'invalid_duration',
    );
  }
  return Number(m[1]) * UNIT_SECONDS[m[2]!]!;
}

export interface RateLimit {
  limit: number;
  window_s: number;
}

/** `100/1m`: at most 100 requests in each window of one minute. */
export function parseRateLimit(text: string): RateLimit {
  const slash = text.indexOf('/');
  const count = slash > 0 ? text.slice(0, slash) : '';
  if (!/^[1-9][0-9]{0,8}$/.test(count)) {
    throw new UsageError(
      `invalid rate limit: "${text}"`,
      'write requests/window, e.g. --rate-limit 100/1m (window: a whole number and s, m, h, d or w)',
      'invalid_rate_limit',
    );
  }
  return { limit: Number(count), window_s: parseDuration(text.slice(slash + 1), '--rate-limit window') };
}

/** The shortest exact spelling of a number of seconds, for messages: 86400 → "1d". */
export function formatDuration(seconds: number): string {
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    const size = UNIT_SECONDS[unit]!;
    if (seconds % size === 0 && seconds >= size) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
