import { toIso } from '../core/model.js';
import type { AuditEntry } from '../store/records.js';
import type { Keystore } from '../store/keystore.js';
import type { AppContext } from './context.js';

/** Where a key or signing secret handed out whole went, as its audit entry (`key.reveal`) says. */
export type RevealedTo = 'clipboard' | 'stdout' | 'dashboard';

/**
 * Records one change, inside the caller's transaction so a change never lands without its entry.
 * `store` is the keystore the change is made in (a restore writes into the copy it restores), by
 * default the context's.
 */
export async function recordChange(
  ctx: AppContext,
  action: string,
  target: { keyId?: string | null; subjectType?: string | null; subjectId?: string | null },
  detail: Record<string, unknown> | null = null,
  store?: Keystore,
): Promise<void> {
  await (store ?? (await ctx.keystore())).audit.record({
    at: ctx.now(),
    actor: ctx.actor,
    action,
    keyId: target.keyId ?? null,
    subjectType: target.subjectType ?? null,
    subjectId: target.subjectId ?? null,
    detail,
  });
}

export interface AuditView {
  at: string;
  actor: string;
  action: string;
  key_id: string | null;
  subject: { type: string; id: string } | null;
  detail: Record<string, unknown> | null;
}

/** Newest first, as a log is read: `--limit 20` is the last twenty changes. */
export async function listAudit(ctx: AppContext, filter: { keyId?: string; sinceSeconds?: number; limit?: number }): Promise<AuditView[]> {
  const since = filter.sinceSeconds === undefined ? undefined : ctx.now() - filter.sinceSeconds * 1000;
  return (await (await ctx.keystore()).audit.list({ keyId: filter.keyId, since, newestFirst: true, limit: filter.limit })).map((e: AuditEntry) => ({
    at: toIso(e.at)!,
    actor: e.actor,
    action: e.action,
    key_id: e.keyId,
    subject: e.subjectType && e.subjectId ? { type: e.subjectType, id: e.subjectId } : null,
    detail: e.detail,
  }));
}
