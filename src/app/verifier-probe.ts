import { formatDuration } from '../core/duration.js';
import { OctoError, UsageError } from '../core/errors.js';

/** Where `octo serve` listens unless told otherwise (SPEC §6). */
export const DEFAULT_SERVER = 'http://127.0.0.1:8787';

export interface VerifierProbe {
  url: string;
  source: '--server' | 'default';
  /** true when GET /healthz answered 200 */
  up: boolean;
  /** The HTTP status it answered, or null when nothing answered. */
  status: number | null;
  latency_ms: number | null;
  /** Why it is not up: `connection refused`, `timed out after 1s`, `answered 503`; null when up. */
  error: string | null;
}

/** The --server value as a URL octo can probe: http or https, or a usage error (exit 2). */
export function verifierUrl(server: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(server);
  } catch { /* reported below */ }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`invalid --server "${server}"`, 'pass the URL `octo serve` printed, e.g. --server http://127.0.0.1:8787');
  }
  return url;
}

/**
 * One GET /healthz, given `timeoutMs` to answer: is a verifier answering there, and how fast. Never
 * throws for a verifier that is down; that is an answer.
 */
export async function probeVerifier(server: URL, source: VerifierProbe['source'], timeoutMs: number): Promise<VerifierProbe> {
  const url = new URL('/healthz', server);
  const shown = server.origin;
  const started = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.body?.cancel();
    const latency = Math.round(performance.now() - started);
    const up = response.status === 200;
    return { url: shown, source, up, status: response.status, latency_ms: latency, error: up ? null : `answered ${response.status}` };
  } catch (err) {
    return { url: shown, source, up: false, status: null, latency_ms: null, error: failure(err, timeoutMs) };
  }
}

function failure(err: unknown, timeoutMs: number): string {
  const name = (err as Error).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${formatDuration(timeoutMs / 1000)}`;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') return 'host not found';
  // fetch's own refusals (a port browsers block, such as 1 or 6000) carry a message, no code.
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/** A verifier the user named with --server that is not up: the problem `octo status` reports. */
export function verifierDown(probe: VerifierProbe): OctoError {
  return probe.status === null
    ? new OctoError('server_unreachable', `cannot reach the verifier at ${probe.url} (${probe.error})`, {
      hint: 'start it with `octo serve`, or pass the URL it printed to --server',
    })
    : new OctoError('server_error', `the verifier at ${probe.url} answered GET /healthz with ${probe.status}`, {
      hint: 'is --server the URL `octo serve` printed? A verifier that cannot reach its keystore answers 503',
    });
}
