import type { ChalkInstance } from 'chalk';
import type { KeyCounts, KeystoreStatus, MasterKeyStatus, ServingStatus, StatusReport } from '../app/status.js';
import { OctoError } from '../core/errors.js';
import { roughDuration } from '../core/key-policy.js';
import { KEY_KINDS, KEY_STATUSES } from '../core/model.js';
import type { VerifierProbe } from '../app/verifier-probe.js';
import type { Output } from './output.js';
import { paintStatus } from './render-keys.js';
import { formatTime } from './time.js';

/**
 * The human form of `octo status`: one labelled block per thing on stdout, as `gh auth status`
 * reads; each problem as `error:` and `hint:` on stderr, as every other command reports one.
 */
export function printStatus(out: Output, report: StatusReport, now: number): void {
  const c = out.c;
  const block = (label: string, lines: string[]) => {
    lines.forEach((line, i) => out.line(`${i === 0 ? c.bold(label.padEnd(LABEL)) : ' '.repeat(LABEL)}${line}`));
  };
  block('Keystore', keystoreLines(c, report.keystore));
  block('Master key', masterKeyLines(c, report.master_key));
  block('Keys', report.keys ? countLines(c, report.keys) : [c.dim('not read')]);
  if (report.expiring.keys.length > 0) {
    block('Expiring', [
      `${plural(report.expiring.keys.length, 'key')} within ${report.expiring.within}:`,
      ...report.expiring.keys.map((k) => {
        const left = roughDuration((Date.parse(k.expires_at!) - now) / 1000);
        const name = k.name ?? k.subject?.name ?? '';
        return `  ${k.id}  ${JSON.stringify(name)} (${k.label})  ${c.yellow(`in ${left}`)}, ${formatTime(k.expires_at)}`;
      }),
    ]);
  }
  block('Clipboard', [report.clipboard.available ? c.green('available') : `${c.yellow('none')} ${c.dim('(no display, or no xsel / wl-copy): `keys copy --print` writes to stdout instead')}`]);
  block('Verifier', verifierLines(c, report.verifier));
  if (report.serving) block('Serving', servingLines(c, report.serving));
  for (const problem of report.problems) out.error(new OctoError(problem.code, problem.message, { hint: problem.hint ?? undefined }));
}

const LABEL = 12;

/** One line per `octo serve` registered on a PostgreSQL keystore. */
function servingLines(c: ChalkInstance, s: ServingStatus): string[] {
  if (s.verifiers.length === 0) return [c.dim('no `octo serve` registered on this keystore')];
  return [
    `change version ${s.version}`,
    ...s.verifiers.map((v) => {
      const state = !v.live ? c.red('lease ran out') : v.applied_version >= s.version ? c.green('up to date') : c.yellow(`at version ${v.applied_version}`);
      return `${v.host} pid ${v.pid}, started ${formatTime(v.started_at)}, applied ${v.applied_version}, lease until ${formatTime(v.lease_until)}: ${state}`;
    }),
  ];
}

const SOURCE: Record<KeystoreStatus['source'], string> = { '--db': 'from --db', OCTO_DB: 'from OCTO_DB', default: 'default' };

function keystoreLines(c: ChalkInstance, k: KeystoreStatus): string[] {
  const where = `${k.location} ${c.dim(`(${SOURCE[k.source]})`)}`;
  switch (k.state) {
    case 'not_created':
      return [where, `${c.yellow('not created yet')}: the first command that adds something creates it, e.g. \`octo workspaces add Acme --platform intercom\``];
    case 'missing':
      return [where, c.red('missing')];
    case 'unreadable':
      return [where, c.red('cannot be read')];
    case 'ok':
      return [where, schemaLine(c, k.schema_version!, k.schema_version_supported)];
  }
}

function schemaLine(c: ChalkInstance, version: number, supported: number): string {
  if (version === supported) return `schema version ${version}`;
  if (version === 0) return `schema version 0 ${c.yellow('(an empty file: the next command that opens it sets it up)')}`;
  return `schema version ${version} ${c.yellow(`(older: the next command that opens it migrates it to ${supported})`)}`;
}

function masterKeyLines(c: ChalkInstance, m: MasterKeyStatus): string[] {
  const where = m.source === 'OCTO_MASTER_KEY' ? `OCTO_MASTER_KEY ${c.dim('(environment)')}` : `${m.path} ${c.dim('(file)')}`;
  switch (m.state) {
    case 'not_created':
      return [`${c.yellow('none yet')}: created at ${m.path} by the first command that seals a secret, unless OCTO_MASTER_KEY is set`];
    case 'missing':
      return [c.red('none here, but the keystore has secrets sealed under one')];
    case 'invalid':
      return [where, c.red('invalid')];
    case 'mismatch':
      return [where, `fingerprint ${m.fingerprint}, ${c.red('does not open this keystore\'s secrets')}`];
    case 'ok':
      return [where, `fingerprint ${m.fingerprint}, ${m.matches_keystore ? c.green('matches the keystore') : c.dim('nothing sealed in the keystore yet')}`];
  }
}

/** The counts as a small aligned grid (kinds that have keys only), not a table: it sits inside the block. */
function countLines(c: ChalkInstance, keys: KeyCounts): string[] {
  if (keys.total === 0) return [`none yet ${c.dim('(`octo keys create` makes one)')}`];
  const summary = KEY_STATUSES.map((s) => `${keys.by_status[s]} ${paintStatus(c, s)}`).join(', ');
  const columns = [...KEY_STATUSES, 'total'] as const;
  const line = (kind: string, cells: string[]) => kind.padEnd(10) + cells.map((cell, i) => cell.padStart(columns[i]!.length + 2)).join('');
  return [
    `${keys.total} in all: ${summary}`,
    c.dim(line('kind', [...columns])),
    ...KEY_KINDS.filter((k) => keys.by_kind[k].total > 0).map((k) => line(k, columns.map((s) => String(keys.by_kind[k][s])))),
  ];
}

function verifierLines(c: ChalkInstance, v: VerifierProbe): string[] {
  const where = `${v.url} ${c.dim(v.source === 'default' ? '(default)' : '(from --server)')}`;
  if (v.up) return [`${c.green('up')} at ${where}, ${v.latency_ms} ms`];
  return [`${v.source === 'default' ? c.yellow('down') : c.red('down')} at ${where}: ${v.error}${v.source === 'default' ? c.dim(' (start one with `octo serve`)') : ''}`];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
