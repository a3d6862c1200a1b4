import type { KeyEnv, KeyKind } from '../core/key-format.js';
import type { Channel, ChannelType, KeyRecord, KeyState, Platform, SubjectRef, SubjectType, Waba, Workspace } from '../core/model.js';
import type { WebhookScheme } from '../core/webhook-model.js';
import type { AuditEntry, DeliveryRecord, DeliveryStatus, SubjectRow, WebhookRecord, WebhookSecretRow } from './records.js';

/*
 * The rows both backends' tables hold (the same tables and columns, SPEC §11) and how each becomes
 * a record: one place, so that a column added to one schema cannot be read one way on SQLite and
 * another on PostgreSQL.
 */

export interface KeyRow {
  id: string; kind: KeyKind; name: string | null; env: KeyEnv | null;
  workspace_id: string | null; channel_id: string | null; waba_id: string | null;
  masked: string; scopes: string | null; rate_limit: number | null; rate_window_s: number | null;
  state: KeyState; created_at: number; expires_at: number | null; revoked_at: number | null;
  revoked_reason: string | null; grace_until: number | null; last_used_at: number | null;
  replaced_by: string | null; replaces: string | null;
  subject_name: string | null; channel_type: ChannelType | null; owner_workspace: string | null;
}

/** Every read joins the subject so that a record carries its name, channel type and workspace. */
export const KEY_SELECT = `
  SELECT k.id, k.kind, k.name, k.env, k.workspace_id, k.channel_id, k.waba_id, k.masked, k.scopes,
         k.rate_limit, k.rate_window_s, k.state, k.created_at, k.expires_at, k.revoked_at,
         k.revoked_reason, k.grace_until, k.last_used_at, k.replaced_by, k.replaces,
         COALESCE(w.name, c.name, b.name) AS subject_name,
         c.type AS channel_type,
         COALESCE(k.workspace_id, c.workspace_id, b.workspace_id) AS owner_workspace
  FROM keys k
  LEFT JOIN workspaces w ON w.id = k.workspace_id
  LEFT JOIN channels c ON c.id = k.channel_id
  LEFT JOIN wabas b ON b.id = k.waba_id`;

export function toKeyRecord(r: KeyRow): KeyRecord {
  let subject: SubjectRef | null = null;
  if (r.workspace_id) subject = { type: 'workspace', id: r.workspace_id, name: r.subject_name ?? '' };
  else if (r.channel_id) subject = { type: 'channel', id: r.channel_id, name: r.subject_name ?? '' };
  else if (r.waba_id) subject = { type: 'waba', id: r.waba_id, name: r.subject_name ?? '' };
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    env: r.env,
    subject,
    workspaceId: r.owner_workspace,
    channelType: r.channel_type,
    scopes: r.scopes === null ? null : (JSON.parse(r.scopes) as string[]),
    state: r.state,
    masked: r.masked,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    revokedReason: r.revoked_reason,
    graceUntil: r.grace_until,
    lastUsedAt: r.last_used_at,
    replacedBy: r.replaced_by,
    replaces: r.replaces,
    rateLimit: r.rate_limit === null || r.rate_window_s === null ? null : { limit: r.rate_limit, window_s: r.rate_window_s },
  };
}

export interface WorkspaceRow { id: string; name: string; platform: Platform; created_at: number }
export interface WabaRow { id: string; name: string; workspace_id: string; created_at: number }
export interface ChannelRow {
  id: string; name: string; workspace_id: string; type: ChannelType; waba_id: string | null; created_at: number;
}

export const toWorkspace = (r: WorkspaceRow): Workspace => ({ id: r.id, name: r.name, platform: r.platform, createdAt: r.created_at });
export const toWaba = (r: WabaRow): Waba => ({ id: r.id, name: r.name, workspaceId: r.workspace_id, createdAt: r.created_at });
export const toChannel = (r: ChannelRow): Channel => ({
  id: r.id, name: r.name, workspaceId: r.workspace_id, type: r.type, wabaId: r.waba_id, createdAt: r.created_at,
});

export const SUBJECT_TABLE: Record<SubjectType, string> = { workspace: 'workspaces', waba: 'wabas', channel: 'channels' };

export type RawRef = { id: string; name: string; removed_at: number | null };
export const toRef = (r: RawRef): SubjectRow => ({ id: r.id, name: r.name, removedAt: r.removed_at });

export interface WebhookRow {
  id: string; url: string; events: string; workspace_id: string | null; scheme: WebhookScheme; created_at: number; removed_at: number | null;
}
export interface SecretRow { generation: number; secret_sealed: Buffer; masked: string; created_at: number; expires_at: number | null }
export interface DeliveryRow {
  id: string; webhook_id: string; event_id: string; event_type: string; payload: string; status: DeliveryStatus;
  attempts: number; next_attempt_at: number | null; created_at: number;
}

export const toWebhook = (r: WebhookRow): WebhookRecord => ({
  id: r.id, url: r.url, events: JSON.parse(r.events) as string[], workspaceId: r.workspace_id,
  scheme: r.scheme, createdAt: r.created_at, removedAt: r.removed_at,
});
export const toSecret = (r: SecretRow): WebhookSecretRow => ({
  generation: r.generation, sealed: r.secret_sealed, masked: r.masked, createdAt: r.created_at, expiresAt: r.expires_at,
});
export const toDelivery = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id, webhookId: r.webhook_id, eventId: r.event_id, eventType: r.event_type, payload: r.payload,
  status: r.status, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, createdAt: r.created_at,
});

export interface AuditRow {
  id: number; at: number; actor: string; action: string; key_id: string | null;
  subject_type: string | null; subject_id: string | null; detail: string | null;
}

export const toAuditEntry = (r: AuditRow): AuditEntry & { id: number } => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  keyId: r.key_id,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
});
