import type { RateLimit } from './duration.js';
import { keyAcceptance } from './key-acceptance.js';
import type { KeyEnv, KeyKind } from './key-format.js';

/** The domain records the store returns and the core decides on. Times are epoch milliseconds. */
export type Platform = 'intercom' | 'hubspot';
export const PLATFORMS: readonly Platform[] = ['intercom', 'hubspot'];
export type ChannelType = 'sms' | 'viber' | 'telegram' | 'whatsapp';
export const CHANNEL_TYPES: readonly ChannelType[] = ['sms', 'viber', 'telegram', 'whatsapp'];
export type SubjectType = 'workspace' | 'channel' | 'waba';

export interface Workspace {
  id: string;
  name: string;
  platform: Platform;
  createdAt: number;
}

export interface Waba {
  id: string;
  name: string;
  workspaceId: string;
  createdAt: number;
}

export interface Channel {
  id: string;
  name: string;
  workspaceId: string;
  type: ChannelType;
  wabaId: string | null;
  createdAt: number;
}

export interface SubjectRef {
  type: SubjectType;
  id: string;
  name: string;
}

/** What is stored, not what is derived: `status` comes from `keyAcceptance(record, now)`. */
export type KeyState = 'active' | 'rotated' | 'revoked';
export type KeyStatus = KeyState | 'expired';
export const KEY_STATUSES: readonly KeyStatus[] = ['active', 'rotated', 'revoked', 'expired'];
export const KEY_KINDS: readonly KeyKind[] = ['workspace', 'channel', 'waba', 'bearer'];

/** The orders `keys list --sort` offers; `name` is a bearer key's name, else its subject's. */
export const KEY_SORTS = ['created', 'last-used', 'name', 'expires'] as const;
export interface KeySort {
  by: (typeof KEY_SORTS)[number];
  descending: boolean;
}

export interface KeyRecord {
  id: string;
  kind: KeyKind;
  name: string | null;
  env: KeyEnv | null;
  subject: SubjectRef | null;
  /** The workspace the subject lives in (the subject itself for a workspace key). */
  workspaceId: string | null;
  /** For channel keys: the channel's type, which fixes the label. */
  channelType: ChannelType | null;
  scopes: string[] | null;
  state: KeyState;
  masked: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  revokedReason: string | null;
  graceUntil: number | null;
  lastUsedAt: number | null;
  replacedBy: string | null;
  replaces: string | null;
  rateLimit: RateLimit | null;
}

const CHANNEL_LABELS: Record<Exclude<ChannelType, 'whatsapp'>, string> = {
  sms: 'Twilio API Key',
  viber: 'VBM API Key',
  telegram: 'Telegram API Key',
};

/** The label the seeds show people for each kind of key. */
export function keyLabel(kind: KeyKind, channelType: ChannelType | null = null): string {
  switch (kind) {
    case 'workspace':
      return 'Workspace API Key';
    case 'waba':
      return 'WhatsApp Business API Key';
    case 'bearer':
      return 'API Key';
    case 'channel':
      return channelType && channelType !== 'whatsapp' ? CHANNEL_LABELS[channelType] : 'Channel API Key';
  }
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The key object of SPEC §5, the one JSON shape every command and the verifier print. */
export interface KeyView {
  id: string;
  kind: KeyKind;
  label: string;
  name: string | null;
  subject: SubjectRef | null;
  env: KeyEnv | null;
  scopes: string[] | null;
  status: KeyStatus;
  masked: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  replaced_by: string | null;
  replaces: string | null;
  rate_limit: RateLimit | null;
}

export function keyView(key: KeyRecord, now: number): KeyView {
  return {
    id: key.id,
    kind: key.kind,
    label: keyLabel(key.kind, key.channelType),
    name: key.name,
    subject: key.subject,
    env: key.env,
    scopes: key.scopes,
    status: keyAcceptance(key, now).status,
    masked: key.masked,
    created_at: iso(key.createdAt)!,
    expires_at: iso(key.expiresAt),
    revoked_at: iso(key.revokedAt),
    last_used_at: iso(key.lastUsedAt),
    replaced_by: key.replacedBy,
    replaces: key.replaces,
    rate_limit: key.rateLimit,
  };
}

export function toIso(ms: number | null): string | null {
  return iso(ms);
}
