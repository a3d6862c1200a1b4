/**
 * What happens after a webhook attempt: done, given up, or retried after an exponential backoff
 * with jitter. The jitter is "equal jitter" (half the step fixed, half random): it spreads
 * retries from many deliveries apart, yet each gap is at least as long as the whole previous step,
 * so the gaps always grow, which a receiver (and a test) can rely on.
 */
export interface RetryPolicy {
  /** Retries after the first attempt: at most `retries + 1` attempts in all. */
  retries: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 5, baseMs: 1_000, maxMs: 60_000 };

export type NextStep =
  | { status: 'succeeded' }
  | { status: 'failed' }
  | { status: 'pending'; delayMs: number };

/** `random` returns a number in [0, 1), like Math.random (tests pass a constant). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + (step / 2) * random());
}

/** `attempt` is the number of the attempt just made, from 1. */
export function nextStep(attempt: number, ok: boolean, policy: RetryPolicy, random?: () => number): NextStep {
  if (ok) return { status: 'succeeded' };
  if (attempt > policy.retries) return { status: 'failed' };
  return { status: 'pending', delayMs: backoffDelay(attempt, policy, random) };
}

/** A 2xx answer, and only that, is a success: a redirect is not followed, it is a failure. */
export function isSuccess(code: number | null): boolean {
  return code !== null && code >= 200 && code < 300;
}
