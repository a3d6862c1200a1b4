import type { VerdictView } from '../core/verdict-view.js';
import type { Output } from './output.js';
import { printKeyDetails } from './render-keys.js';

/**
 * `octo keys verify` for people: a coloured verdict, the reason in words, what to do next, and the
 * key's masked details. Never the key itself.
 */
export function printVerdict(out: Output, view: VerdictView): void {
  const c = out.c;
  const where = view.endpoint ?? 'format, existence, status and expiry';
  const answer = `${view.status}${view.valid ? '' : ` ${view.code} (${view.reason})`}`;
  out.line(view.valid
    ? `${c.green.bold('✔ valid')}  ${where} → ${c.green(answer)}${view.channel_id ? ` via channel ${view.channel_id}` : ''}`
    : `${c.red.bold('✘ refused')}  ${where} → ${c.red(answer)}`);
  if (!view.valid) out.line(`  ${view.message}`);
  for (const w of view.warnings ?? []) out.line(`  ${c.yellow(`⚠ ${w.message}`)}`);
  const next = nextStep(view);
  if (next) out.line(`  ${c.dim('next:')} ${next}`);
  if (view.key) {
    out.line();
    printKeyDetails(out, view.key);
  }
}

/** What to do about a verdict, with the command that does it; the decision's own hint first. */
export function nextStep(v: VerdictView): string | null {
  if (v.hint) return v.hint;
  const id = v.key?.id;
  const successor = v.key?.replaced_by;
  const useSuccessor = successor
    ? `use its successor ${successor}${v.key?.kind === 'bearer' ? '' : ` (\`octo keys copy ${successor} --print\`)`}`
    : 'use its successor: `octo keys list --status active`';
  switch (v.reason) {
    case 'ok':
      if (v.warnings?.some((w) => w.code === 'channel_id_required')) return 'check one channel: pass --channel CH (id or name)';
      return v.key?.status === 'rotated' && successor
        ? `accepted only during its rotation grace: move to ${successor} before the grace ends`
        : null;
    case 'missing_key':
    case 'wrong_scheme':
      return 'send the key as `X-Octopods-Auth: KEY` to /api/v1/… endpoints, or as `Authorization: Bearer KEY` to /v1/… endpoints';
    case 'malformed_header':
      return 'send exactly one `Authorization: Bearer KEY` header';
    case 'malformed_key':
      return 'the key is mistyped or truncated (its checksum does not match): copy it again from where it was stored (`octo keys list` shows the workspace, channel and WABA keys that `octo keys copy` prints again)';
    case 'unknown_key':
      return 'this keystore has no such key: check --db or OCTO_DB, and list keys with `octo keys list`';
    case 'wrong_key_family':
      return 'octo_ws_, octo_ch_ and octo_wa_ keys serve /api/v1/… (X-Octopods-Auth); oct_live_ and oct_test_ keys serve /v1/… (Bearer)';
    case 'revoked':
      // The dry run's hint names the replacement (app/verify.ts): a revoked key is always known.
      return 'a revoked key never comes back: issue a new one';
    case 'rotated':
      return useSuccessor;
    case 'expired':
      // A key that expired inside its rotation grace already has a successor, and cannot be rotated again.
      if (successor) return useSuccessor;
      return id ? `issue a successor with \`octo keys rotate ${id}\`` : null;
    case 'test_key_on_live_endpoint':
      return 'this endpoint needs a live key (oct_live_): create one with `octo keys create bearer --name NAME` (without --test)';
    case 'wrong_key_type':
      return v.expected?.includes('WhatsApp')
        ? 'find it with `octo keys list --kind waba` (or `octo wabas list`)'
        : 'find it with `octo channels list`, which shows the key that serves each channel';
    case 'wrong_channel':
      return 'the key does not cover that channel: `octo channels list` shows the key that serves each channel';
    case 'insufficient_scope':
      return id && v.required_scope ? `grant it with \`octo keys scope ${id} --add ${v.required_scope}\`` : null;
    case 'rate_limited':
      return `wait ${v.retry_after ?? 1} s`;
    case 'invalid_request':
      return v.field === 'channel_id' ? 'name the channel: pass --channel CH (a request sends it as channel_id)' : null;
    case 'not_found':
      return 'no such endpoint: the README lists the endpoints the verifier answers';
    case 'method_not_allowed':
      return `this path answers ${(v.allow ?? []).join(', ')}`;
  }
}
