import type { Finding, ScanResult, ScanStats } from '../core/leak-model.js';
import { findKeys, looksBinary, mayHoldKey, type KeyMatch } from '../core/find-keys.js';
import { hashKey, maskKey } from '../core/key-format.js';
import { stillAccepted } from '../core/key-policy.js';
import { keyStatus, type KeyRecord } from '../core/model.js';
import type { AppContext } from './context.js';
import { walkPaths } from './scan-files.js';
import type { FileSink } from './scan-sink.js';
import { readStaged } from './scan-staged.js';

export type { Finding, ScanResult, ScanStats, SkippedFile } from '../core/leak-model.js';

/**
 * `octo keys scan`: feeds every file of a walk (or every staged blob) through the pure matcher,
 * and looks each key found up by its hash. Returns data; the CLI renders it.
 */

export interface ScanOptions {
  paths: string[];
  staged: boolean;
  cwd?: string;
  onProgress?: (stats: Readonly<ScanStats>) => void;
}

export async function scanForKeys(ctx: AppContext, opts: ScanOptions): Promise<ScanResult> {
  const cwd = opts.cwd ?? process.cwd();
  // A scan never creates a keystore: in CI there usually is none, and every key is then unknown.
  const keystore = ctx.keystoreExists();
  const toFinding = findingMaker(ctx, keystore);
  const stats: ScanStats = { files: 0, bytes: 0, binary: 0, skipped: [] };
  const findings: Finding[] = [];
  const sink: FileSink = {
    file(path, bytes) {
      stats.files++;
      stats.bytes += bytes.length;
      if (looksBinary(bytes)) stats.binary++;
      else if (mayHoldKey(bytes)) {
        for (const m of findKeys(bytes.toString('utf8'))) findings.push(toFinding(path, m));
      }
      opts.onProgress?.(stats);
    },
    skip(path, reason, size) {
      stats.skipped.push({ file: path, reason, size: size ?? null });
    },
  };
  if (opts.staged) await readStaged(cwd, opts.paths, sink);
  else walkPaths(cwd, opts.paths.length ? opts.paths : ['.'], sink);
  // The walk follows the file system's order; the report is sorted, so runs compare line by line.
  findings.sort((a, b) => compare(a.file, b.file) || a.line - b.line || a.column - b.column);
  stats.skipped.sort((a, b) => compare(a.file, b.file));
  return { findings, stats, keystore };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Looks each distinct key up once, however many times it appears. */
function findingMaker(ctx: AppContext, keystore: boolean): (file: string, m: KeyMatch) => Finding {
  const now = ctx.now();
  const seen = new Map<string, KeyRecord | null>();
  return (file, m) => {
    let record = seen.get(m.key);
    if (record === undefined) {
      record = keystore ? (ctx.store.keys.findByHash(hashKey(m.key)) ?? null) : null;
      seen.set(m.key, record);
    }
    const base = { file, line: m.line, column: m.column, masked: maskKey(m.key) };
    if (record === null) return { ...base, key_id: null, kind: m.info.kind, status: 'unknown', accepted: false, action: null };
    const accepted = stillAccepted(record, now);
    const status = keyStatus(record, now);
    // A key in its rotation grace cannot be rotated again; revoking it ends the grace at once.
    const action = !accepted ? null : status === 'rotated' ? `octo keys revoke ${record.id}` : `octo keys rotate ${record.id}`;
    return { ...base, key_id: record.id, kind: record.kind, status, accepted, action };
  };
}
