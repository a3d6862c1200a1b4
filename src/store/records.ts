import type { KeyEnv, KeyKind } from '../core/key-format.js';
import type { KeyRecord, KeySort, KeyState, SubjectType } from '../core/model.js';
import type { DeliveryStatus, WebhookScheme } from '../core/webhook-model.js';

/* What the keystore stores and hands back, in octo's words, whatever the backend. Times are epoch milliseconds. */

export type { DeliveryStatus };

/** A key as inserted: the record plus its lookup hash and, for non-bearer keys, the sealed secret. */
export interface NewKey {
  id: string;
  kind: KeyKind;
  name: string | null;
  env: KeyEnv | null;
  subjectType: SubjectType | null;
  subjectId: string | null;
  hash: Buffer;
  secretSealed: Buffer | null;
  masked: string;
  scopes: string[] | null;
  rateLimit: { limit: number; window_s: number } | null;
  createdAt: number;
  expiresAt: number | null;
  replaces: string | null;
}

export interface KeyFilter {
  kind?: KeyKind;
  /** Stored states to include; `expired` is derived, so the app filters it after reading. */
  states?: KeyState[];
  workspaceId?: string;
  /** Keys whose name, or subject's name for a workspace, channel or WABA key, contains this (ASCII case ignored). */
  nameContains?: string;
  /** Default: created, oldest first. */
  sort?: KeySort;
  limit?: number;
}

/** A key's id, kind and the stored fields its status is derived from (keyAcceptance): what `octo status` counts. */
export type KeyStateRow = Pick<KeyRecord, 'id' | 'kind' | 'state' | 'expiresAt' | 'graceUntil'>;

/** A subject as a reference names it; `removedAt` is set for a tombstone (a removed subject). */
export interface SubjectRow { id: string; name: string; removedAt: number | null }

/** What still hangs off a subject: live channels, WABAs and webhook endpoints. */
export interface Dependants {
  channels: { id: string; name: string }[];
  wabas: { id: string; name: string }[];
  webhooks: { id: string; url: string }[];
}

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  keyId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  /** Non-secret facts about the change (names, scopes, reasons). Never a key or a secret. */
  detail: Record<string, unknown> | null;
}

export interface WebhookRecord {
  id: string;
  url: string;
  events: string[];
  workspaceId: string | null;
  scheme: WebhookScheme;
  createdAt: number;
  removedAt: number | null;
}

export interface WebhookSecretRow {
  generation: number;
  sealed: Buffer;
  masked: string;
  createdAt: number;
  expiresAt: number | null;
}

export interface DeliveryRecord {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  createdAt: number;
}

export interface AttemptRecord {
  deliveryId: string;
  at: number;
  code: number | null;
  error: string | null;
  durationMs: number;
}

/** What `backup` and `restore` report about a keystore. */
export interface KeystoreSummary {
  schemaVersion: number;
  keys: number;
  subjects: number;
  auditEvents: number;
  /** Workspace, channel and WABA keys: they open only with the master key they were sealed with. */
  sealedSecrets: number;
  /** The fingerprint of that master key, when the keystore has sealed anything. */
  masterKeyFingerprint: string | null;
}
