import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { NotFoundError } from '../core/errors.js';
import { masterKeyFingerprint } from '../core/secret-box.js';
import type { RestoreSource } from '../store/keystore.js';
import { loadMasterKey } from '../store/master-key.js';
import { backupExists, openBackupFile } from '../store/open-keystore.js';
import { resolveMasterKeyPath } from '../store/paths.js';
import type { KeystoreSummary } from '../store/records.js';
import { recordChange } from './audit.js';
import type { AppContext } from './context.js';

/**
 * Whether the master key this octo would use opens the keystore's sealed secrets: `not_needed`
 * when it has none, `missing` when no master key is configured yet (none is created to find out).
 */
export type MasterKeyState = 'matches' | 'differs' | 'missing' | 'not_needed';

export interface BackupView {
  file: string;
  schema_version: number;
  keys: number;
  subjects: number;
  audit_events: number;
  sealed_secrets: number;
  master_key: MasterKeyState;
}

function view(file: string, s: KeystoreSummary, master: MasterKeyState): BackupView {
  return {
    file, schema_version: s.schemaVersion, keys: s.keys, subjects: s.subjects, audit_events: s.auditEvents,
    sealed_secrets: s.sealedSecrets, master_key: master,
  };
}

function masterKeyState(ctx: AppContext, fingerprint: string | null): MasterKeyState {
  if (fingerprint === null) return 'not_needed';
  const path = resolveMasterKeyPath(ctx.env);
  if (!ctx.env.OCTO_MASTER_KEY && !existsSync(path)) return 'missing';
  try {
    return masterKeyFingerprint(loadMasterKey(ctx.env, path)) === fingerprint ? 'matches' : 'differs';
  } catch {
    return 'differs';
  }
}

/** True when there is a keystore with content that a restore would replace. */
export function keystoreExists(ctx: AppContext): boolean {
  // A database may hold one: the restore asks before replacing it.
  if (ctx.isPostgres) return true;
  return existsSync(ctx.dbPath) && statSync(ctx.dbPath).size > 0;
}

export function backupFileExists(file: string): boolean {
  return existsSync(file);
}

/** `octo backup FILE`: a consistent, private copy of the keystore, taken while others write. */
export async function backup(ctx: AppContext, file: string, overwrite: boolean): Promise<BackupView> {
  // keystore_missing for a keystore named by --db or OCTO_DB; not_found for the default, absent or empty.
  if (!ctx.keystoreExists() || !keystoreExists(ctx)) {
    throw new NotFoundError(`no keystore at ${ctx.dbLabel}: there is nothing to back up`, 'pass --db (or OCTO_DB) with the keystore to back up');
  }
  if (!overwrite && existsSync(file)) throw backupExists(file);
  const summary = await (await ctx.keystore()).backupTo(file, overwrite);
  return view(resolve(file), summary, masterKeyState(ctx, summary.masterKeyFingerprint));
}

/** A checked, migrated working copy of FILE, ready to replace the keystore; discard it if unused. */
export interface RestorePlan {
  source: RestoreSource;
  view: BackupView;
}

export async function planRestore(ctx: AppContext, file: string): Promise<RestorePlan> {
  const source = await openBackupFile(file, ctx.dbPath);
  const summary = await source.store.summary();
  return { source, view: view(resolve(file), summary, masterKeyState(ctx, summary.masterKeyFingerprint)) };
}

export async function discardRestore(plan: RestorePlan): Promise<void> {
  await plan.source.discard();
}

/**
 * Replaces the keystore with the plan's. The restore is recorded in the audit log of the restored
 * keystore, written into the copy before it goes live, so the record and the content arrive in the
 * same transaction. Whatever the live keystore recorded after the backup was taken is replaced.
 */
export async function applyRestore(ctx: AppContext, plan: RestorePlan): Promise<BackupView> {
  const live = await ctx.keystore(); // opened (and created, private, if missing) before it is written
  await plan.source.store.transaction(async () => {
    await recordChange(ctx, 'keystore.restore', {}, {
      file: plan.view.file, schema_version: plan.view.schema_version, keys: plan.view.keys,
    }, plan.source.store);
  });
  const restored = { ...plan.view, audit_events: plan.view.audit_events + 1 };
  await live.replaceWith(plan.source);
  return restored;
}
