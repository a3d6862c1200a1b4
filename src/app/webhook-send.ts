import { performance } from 'node:perf_hooks';
import { standardSignature } from '../core/standard-webhooks.js';
import type { WebhookScheme } from '../core/webhook-model.js';
import { SIGNATURE_HEADER, signatureHeader } from '../core/webhook-signature.js';

/** The outcome of one POST: the receiver's status, or why there was none (code null). */
export interface AttemptOutcome {
  /** Epoch milliseconds when the attempt started. */
  at: number;
  code: number | null;
  error: 'timeout' | 'connection_failed' | null;
  durationMs: number;
  /** Stopped by the dispatcher's shutdown: not an attempt, nothing to record. */
  aborted: boolean;
}

export interface SignedPost {
  url: string;
  deliveryId: string;
  eventType: string;
  /** The exact body bytes; a retry sends the same ones, signed again with a fresh `t`. */
  payload: string;
  secrets: readonly string[];
  scheme: WebhookScheme;
}

/**
 * The headers that identify and sign a delivery. The standard scheme's own three replace
 * X-Octo-Delivery (its `webhook-id` is the same id, stable across retries) and X-Octo-Signature;
 * X-Octo-Event stays in both, so a receiver can route without parsing the body.
 */
export function signedHeaders(post: SignedPost, t: number): Record<string, string> {
  if (post.scheme === 'standard-webhooks') {
    return {
      'X-Octo-Event': post.eventType,
      'webhook-id': post.deliveryId,
      'webhook-timestamp': String(t),
      'webhook-signature': standardSignature(post.secrets, post.deliveryId, t, post.payload),
    };
  }
  return {
    'X-Octo-Event': post.eventType,
    'X-Octo-Delivery': post.deliveryId,
    [SIGNATURE_HEADER]: signatureHeader(post.secrets, t, post.payload),
  };
}

/**
 * One signed POST (SPEC §9 headers), with a timeout. Redirects are not followed (a 3xx is not a
 * 2xx); the receiver's body is not read, since only its status matters.
 */
export async function postSigned(
  post: SignedPost,
  opts: { timeoutMs: number; now: () => number; signal?: AbortSignal },
): Promise<AttemptOutcome> {
  const at = opts.now();
  const started = performance.now();
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const outcome = (code: number | null, error: AttemptOutcome['error'], aborted = false): AttemptOutcome =>
    ({ at, code, error, durationMs: Math.round(performance.now() - started), aborted });
  try {
    const res = await fetch(post.url, {
      method: 'POST',
      redirect: 'manual',
      signal,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'octo-webhooks/1',
        ...signedHeaders(post, Math.floor(at / 1000)),
      },
      body: post.payload,
    });
    // Release the connection without waiting for a body nobody reads.
    await res.body?.cancel().catch(() => {});
    return outcome(res.status, null);
  } catch {
    if (opts.signal?.aborted) return outcome(null, null, true);
    return outcome(null, timeout.aborted ? 'timeout' : 'connection_failed');
  }
}
