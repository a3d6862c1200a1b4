import type { ChalkInstance } from 'chalk';
import type { DeliveryView, DispatchLog, TestResult, WebhookScheme, WebhookView } from '../core/webhook-model.js';
import type { SignatureVerdict } from '../core/webhook-signature.js';
import type { Output } from './output.js';
import { printTable } from './table.js';
import { formatTime } from './time.js';

export async function printWebhooks(out: Output, list: WebhookView[]): Promise<void> {
  if (list.length === 0) return out.info('No webhooks yet. Add one with `octo webhooks add URL`.');
  await printTable(out, [
    'ID', { title: 'URL', fit: 'wrap' }, { title: 'EVENTS', fit: 'words' }, { title: 'WORKSPACE', fit: 'truncate', drop: 1 },
    { title: 'SCHEME', fit: 'wrap' }, { title: 'SECRET', fit: 'words' }, { title: 'CREATED', fit: 'wrap', drop: 2 },
  ], list.map((w) => [
    w.id,
    w.url,
    w.events.join('\n'),
    w.workspace ?? out.c.dim('all'),
    w.scheme,
    w.masked + (w.previous_secret_until ? out.c.yellow(`\n+ previous until ${formatTime(w.previous_secret_until)}`) : ''),
    formatTime(w.created_at),
  ]));
}

function attemptText(out: Output, a: DeliveryView['attempts'][number]): string {
  const what = a.code === null ? out.c.red(a.error ?? 'no answer') : a.code < 300 && a.code >= 200 ? out.c.green(String(a.code)) : out.c.red(String(a.code));
  return `${what} ${formatTime(a.at)}`;
}

/** `endpoint` as the user named it, for the hint. */
export async function printDeliveries(out: Output, deliveries: DeliveryView[], endpoint: string): Promise<void> {
  if (deliveries.length === 0) return out.info(`No deliveries yet. Send one with \`octo webhooks test ${endpoint}\`.`);
  const paint = (s: string) => (s === 'succeeded' ? out.c.green(s) : s === 'pending' ? out.c.yellow(s) : out.c.red(s));
  await printTable(out, ['DELIVERY', 'EVENT', 'STATUS', { title: 'ATTEMPTS', fit: 'wrap' }], deliveries.map((d) => [
    d.id, d.event, paint(d.status), d.attempts.length ? d.attempts.map((a) => attemptText(out, a)).join('\n') : out.c.dim('none yet'),
  ]));
}

export function printTestResult(out: Output, r: TestResult, timeoutS: number, endpoint: string): void {
  const answer = r.code !== null ? String(r.code) : r.error === 'timeout' ? `no answer within ${timeoutS}s` : 'connection failed';
  out.line(`${r.ok ? out.c.green('✔') : out.c.red('✘')} ${r.event.type} → ${answer} in ${r.ms} ms (delivery ${r.delivery})`);
  if (!r.ok) out.info(out.e.dim('hint: ') + `a delivery succeeds only on a 2xx answer; see \`octo webhooks deliveries ${endpoint}\``);
}

const MALFORMED: Record<WebhookScheme, string> = {
  octo: 'the header is not t=<unix seconds>,v1=<64 hex>[,v1=…]',
  'standard-webhooks': 'webhook-signature is not v1,<base64 of 32 bytes>[ v1,…], or webhook-id is empty, or webhook-timestamp is not unix seconds',
};
const WHY: Record<string, string> = {
  bad_signature: 'no v1 signature matches this body with the secret (tampered body, or another secret)',
  timestamp_out_of_tolerance: 'the signature is authentic but its time is too far from now (replay, or clock skew)',
};

export function printVerdict(out: Output, verdict: SignatureVerdict & { scheme: WebhookScheme }, toleranceS: number): void {
  if (verdict.valid) {
    out.line(out.c.green('valid') + ` (${verdict.scheme}${toleranceS > 0 ? `, signed within ${toleranceS}s of now` : ''})`);
    return;
  }
  out.line(out.c.red('invalid') + `: ${verdict.reason}`);
  out.info(verdict.reason === 'malformed_header' ? MALFORMED[verdict.scheme] : WHY[verdict.reason]!);
}

/** A delivery attempt in `octo serve`'s human log (under --json the entry is printed as it is). */
export function formatDispatchLog(entry: DispatchLog, c: ChalkInstance): string {
  if (entry.event === 'webhook_error') return c.red(`webhook error: ${entry.message}`);
  const code = entry.code === null ? c.red(entry.error ?? 'timeout') : entry.code < 300 ? c.green(String(entry.code)) : c.red(String(entry.code));
  const next = entry.retry_in_ms === null ? '' : c.dim(` retry in ${(entry.retry_in_ms / 1000).toFixed(1)}s`);
  return `webhook ${entry.webhook} ${entry.type} ${entry.delivery} attempt ${entry.attempt} ${code} ${entry.ms}ms${next}`;
}
