import type { Finding, ScanResult, ScanStats } from '../core/leak-model.js';
import { findKeys, looksBinary, mayHoldKey, type KeyMatch } from '../core/find-keys.js';
import { hashKey } from '../core/key-format.js';
import { keyAcceptance } from '../core/key-acceptance.js';
import type { KeyRecord } from '../core/model.js';
import type { AppContext } from './context.js';
import { indexWebhookSecrets, type WebhookSecretIndex } from './webhook-secret-index.js';
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
  const { toFinding, unchecked } = findingMaker(ctx, keystore);
  const stats: ScanStats = { files: 0, bytes: 0, binary: 0, skipped: [] };
  // Looked up once the walk is done: the walk's sink is synchronous, the keystore is not.
  const matches: [file: string, match: KeyMatch][] = [];
  const sink: FileSink = {
    file(path, bytes) {
      stats.files++;
      stats.bytes += bytes.length;
      if (looksBinary(bytes)) stats.binary++;
      else if (mayHoldKey(bytes)) {
        for (const m of findKeys(bytes.toString('utf8'))) matches.push([path, m]);
      }
      opts.onProgress?.(stats);
    },
    skip(path, reason, size) {
      stats.skipped.push({ file: path, reason, size: size ?? null });
    },
  };
  if (opts.staged) await readStaged(cwd, opts.paths, sink);
  else walkPaths(cwd, opts.paths.length ? opts.paths : ['.'], sink);
  const findings: Finding[] = [];
  for (const [file, m] of matches) findings.push(await toFinding(file, m));
  // The walk follows the file system's order; the report is sorted, so runs compare line by line.
  findings.sort((a, b) => compare(a.file, b.file) || a.line - b.line || a.column - b.column);
  stats.skipped.sort((a, b) => compare(a.file, b.file));
  return { findings, stats, keystore, webhookSecretsUnchecked: unchecked() };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Identity {
  id: string;
  kind: Finding['kind'];
  record: Pick<KeyRecord, 'state' | 'expiresAt' | 'graceUntil'>;
}

/**
 * Looks each distinct key up once, however many times it appears, and judges it by the one
 * acceptance rule: API keys by their hash in the keystore, webhook signing secrets against the
 * endpoints' secrets (webhook-secret-index.ts).
 */
function findingMaker(ctx: AppContext, keystore: boolean): { toFinding: (file: string, m: KeyMatch) => Promise<Finding>; unchecked: () => string | null } {
  const now = ctx.now();
  const seen = new Map<string, Identity | null>();
  let webhooks: WebhookSecretIndex | undefined;
  const lookUp = async (m: KeyMatch): Promise<Identity | null> => {
    if (!keystore) return null;
    if (m.info.family === 'webhook') {
      webhooks ??= await indexWebhookSecrets(ctx);
      const found = webhooks.ok ? webhooks.find(m.key) : null;
      return found && { id: found.webhookId, kind: 'webhook_secret', record: found.record };
    }
    const record = await (await ctx.keystore()).keys.findByHash(hashKey(m.key));
    return record ? { id: record.id, kind: record.kind, record } : null;
  };
  const toFinding = async (file: string, m: KeyMatch): Promise<Finding> => {
    let found = seen.get(m.key);
    if (found === undefined) {
      found = await lookUp(m);
      seen.set(m.key, found);
    }
    const base = { file, line: m.line, column: m.column, masked: m.masked };
    if (found === null) return { ...base, key_id: null, kind: m.info.kind, status: 'unknown', accepted: false, action: null };
    const { accepted, status } = keyAcceptance(found.record, now);
    return { ...base, key_id: found.id, kind: found.kind, status, accepted, action: accepted ? actionFor(found, status === 'rotated') : null };
  };
  return { toFinding, unchecked: () => (webhooks && !webhooks.ok ? webhooks.problem : null) };
}

/** The command that takes a leaked key or secret out of service at once. */
function actionFor(found: Identity, inGrace: boolean): string {
  if (found.kind === 'webhook_secret') {
    // A previous secret stops signing as soon as the endpoint rotates again; the current one keeps a grace.
    return inGrace ? `octo webhooks rotate-secret ${found.id}` : `octo webhooks rotate-secret ${found.id} --grace 0`;
  }
  // A key in its rotation grace cannot be rotated again; revoking it ends the grace at once.
  return inGrace ? `octo keys revoke ${found.id}` : `octo keys rotate ${found.id}`;
}
