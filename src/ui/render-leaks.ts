import type { Finding, ScanResult, Violation } from '../core/leak-model.js';
import type { KeyPolicy } from '../core/key-policy.js';
import type { Output } from './output.js';
import { paintStatus } from './render-keys.js';
import { printTable } from './table.js';

/** The human renderings of `octo keys scan` and `octo keys check`; --json prints the data as is. */

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function namesOf(files: { file: string }[], max = 5): string {
  const shown = files.slice(0, max).map((f) => f.file).join(', ');
  return files.length > max ? `${shown} and ${files.length - max} more` : shown;
}

function findingAction(f: Finding): string {
  if (f.action) return f.action;
  if (f.status === 'unknown') return 'not in this keystore';
  return f.kind === 'webhook_secret' ? 'no longer signs; delete it from the file' : 'no longer accepted; delete it from the file';
}

export async function printScanReport(out: Output, result: ScanResult, dbPath: string, maxMiB: number): Promise<void> {
  const { findings, stats } = result;
  if (!result.keystore) {
    out.warn(`no keystore at ${dbPath}: nothing was looked up, so every key found is reported as unknown (pass --db or set OCTO_DB)`);
  }
  if (result.webhookSecretsUnchecked) {
    out.warn(`webhook signing secrets not looked up: ${result.webhookSecretsUnchecked}; every octo_wh_ secret found is reported as unknown`);
  }
  const large = stats.skipped.filter((s) => s.reason === 'too_large');
  const unreadable = stats.skipped.filter((s) => s.reason === 'unreadable');
  if (large.length) out.warn(`not scanned, larger than ${maxMiB} MiB: ${namesOf(large)}`);
  if (unreadable.length) out.warn(`not scanned, could not be read: ${namesOf(unreadable)}`);
  const scanned = `${plural(stats.files - stats.binary, 'file')} scanned`;
  if (findings.length === 0) {
    out.info(out.e.green('✔ ') + `No octo keys found (${scanned}).`);
    return;
  }
  await printTable(out, [{ title: 'LOCATION', fit: 'wrap' }, 'KEY', 'KEY ID', 'KIND', 'STATUS', { title: 'ACTION', fit: 'words' }], findings.map((f) => [
    `${f.file}:${f.line}:${f.column}`,
    f.masked,
    f.key_id ?? '—',
    f.kind,
    paintStatus(out.c, f.status),
    f.accepted ? out.c.bold(findingAction(f)) : out.c.dim(findingAction(f)),
  ]));
  const live = findings.filter((f) => f.accepted).length;
  const files = new Set(findings.map((f) => f.file)).size;
  const summary = `${plural(findings.length, 'key')} found in ${plural(files, 'file')} (${scanned}).`;
  out.info(live > 0
    ? out.e.red('✖ ') + `${summary} ${live} still accepted: treat ${live === 1 ? 'it' : 'them'} as compromised and run the action shown.`
    : `${summary} None is still accepted; remove them from the files anyway.`);
}

export async function printViolations(out: Output, violations: Violation[], checked: number, policy: KeyPolicy): Promise<void> {
  const rules = [
    `max-age ${policy.maxAge.text}`,
    ...(policy.expiringWithin ? [`expiring-within ${policy.expiringWithin.text}`] : []),
    ...(policy.unusedFor ? [`unused-for ${policy.unusedFor.text}`] : []),
  ].join(', ');
  if (violations.length === 0) {
    out.info(out.e.green('✔ ') + `No violations: ${plural(checked, 'active key')} checked (${rules}).`);
    return;
  }
  await printTable(out, [
    'KEY ID', { title: 'LABEL', fit: 'wrap', drop: 1 }, { title: 'NAME / SUBJECT', fit: 'truncate' },
    { title: 'RULE', fit: 'wrap' }, { title: 'DETAIL', fit: 'wrap' }, { title: 'ACTION', fit: 'words' },
  ], violations.map((v) => [
    v.key.id,
    v.key.label,
    v.key.name ?? v.key.subject?.name ?? '',
    `${v.rule} ${v.limit}`,
    v.detail,
    out.c.bold(v.action),
  ]));
  const keys = new Set(violations.map((v) => v.key.id)).size;
  out.info(out.e.red('✖ ') + `${plural(violations.length, 'violation')} by ${plural(keys, 'key')} (of ${plural(checked, 'active key')}; ${rules}).`);
}
