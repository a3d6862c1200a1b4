import {
  decideDryRun, decideRequest, DryRunPresented, Presented, readDryRun, readRequest,
  type ChannelOwner, type Credentials, type DecisionLookup, type DryRunInput, type Identified,
} from '../../src/core/decision.js';
import { generateKey, hashKey, lookupHash, maskKey, prefixFor } from '../../src/core/key-format.js';
import type { Channel, ChannelType, KeyRecord } from '../../src/core/model.js';
import type { ParsedBody } from '../../src/core/payload.js';
import type { RateLimiter } from '../../src/core/rate-limit.js';
import type { DryRunVerdict, Verdict } from '../../src/core/verdict.js';

/**
 * An in-memory keystore for the pure decision tests: subjects, keys with their plaintext, and the
 * lookups over them. Times are fixed: NOW is the decision time.
 */
export const NOW = Date.UTC(2025, 0, 15, 12);
const HOUR = 3_600_000;

const channel = (id: string, type: ChannelType, workspaceId: string, wabaId: string | null = null): Channel =>
  ({ id, name: id, type, workspaceId, wabaId, createdAt: 0 });

export const CHANNELS: Channel[] = [
  channel('sms_a', 'sms', 'ws_a'), channel('viber_a', 'viber', 'ws_a'), channel('tg_a', 'telegram', 'ws_a'),
  channel('wa_a1', 'whatsapp', 'ws_a', 'waba_a'), channel('wa_a2', 'whatsapp', 'ws_a', 'waba_a'),
  channel('sms_b1', 'sms', 'ws_b'), channel('sms_b2', 'sms', 'ws_b'),
  channel('wa_c', 'whatsapp', 'ws_c', 'waba_c'),
];

type Spec = Partial<KeyRecord> & Pick<KeyRecord, 'kind'>;

function record(id: string, spec: Spec): KeyRecord {
  return {
    id, name: spec.kind === 'bearer' ? id : null, env: spec.kind === 'bearer' ? 'live' : null, subject: null,
    workspaceId: null, channelType: null, scopes: null, state: 'active', masked: '', createdAt: NOW - 10 * HOUR,
    expiresAt: null, revokedAt: null, revokedReason: null, graceUntil: null, lastUsedAt: null, replacedBy: null,
    replaces: null, rateLimit: null, ...spec,
  };
}

const ws = (id: string) => ({ kind: 'workspace' as const, subject: { type: 'workspace' as const, id, name: id }, workspaceId: id });
const ch = (id: string, type: ChannelType, wsId: string) =>
  ({ kind: 'channel' as const, subject: { type: 'channel' as const, id, name: id }, workspaceId: wsId, channelType: type });
const waba = (id: string, wsId: string) => ({ kind: 'waba' as const, subject: { type: 'waba' as const, id, name: id }, workspaceId: wsId });

const SPECS: Record<string, Spec> = {
  wsA: ws('ws_a'),
  wsB: ws('ws_b'),
  wsC: ws('ws_c'),
  smsA: ch('sms_a', 'sms', 'ws_a'),
  viberA: ch('viber_a', 'viber', 'ws_a'),
  tgA: ch('tg_a', 'telegram', 'ws_a'),
  wabaA: waba('waba_a', 'ws_a'),
  wabaC: waba('waba_c', 'ws_c'),
  revokedWs: { ...ws('ws_b'), state: 'revoked', revokedAt: NOW - HOUR },
  rotatedWs: { ...ws('ws_b'), state: 'rotated', graceUntil: NOW - 1 },
  graceWs: { ...ws('ws_a'), state: 'rotated', graceUntil: NOW + HOUR },
  full: { kind: 'bearer' },
  postsRead: { kind: 'bearer', scopes: ['posts:read'] },
  legacyAdmin: { kind: 'bearer', scopes: ['admin'] },
  test: { kind: 'bearer', env: 'test' },
  revoked: { kind: 'bearer', state: 'revoked', revokedAt: NOW - HOUR },
  expired: { kind: 'bearer', expiresAt: NOW - 1 },
  rotated: { kind: 'bearer', state: 'rotated', graceUntil: NOW },
  grace: { kind: 'bearer', state: 'rotated', graceUntil: NOW + 1 },
  limited: { kind: 'bearer', rateLimit: { limit: 2, window_s: 60 } },
  limitedSms: { ...ch('sms_a', 'sms', 'ws_a'), rateLimit: { limit: 1, window_s: 30 } },
};

export type KeyName = keyof typeof SPECS;

/** The decision's lookup, and the keystore's own: a key by the hash of its text. */
export interface WorldLookup extends DecisionLookup {
  findKey(hash: Buffer): KeyRecord | undefined;
}

export interface World {
  secret: Record<string, string>;
  record: Record<string, KeyRecord>;
  lookup: WorldLookup;
}

export function makeWorld(): World {
  const secret: Record<string, string> = {};
  const records: Record<string, KeyRecord> = {};
  const byHash = new Map<string, KeyRecord>();
  for (const [name, spec] of Object.entries(SPECS)) {
    const key = generateKey(prefixFor(spec.kind, spec.env ?? (spec.kind === 'bearer' ? 'live' : null)));
    const rec = record(`key_${name}`, { ...spec, masked: maskKey(key) });
    secret[name] = key;
    records[name] = rec;
    byHash.set(hashKey(key).toString('hex'), rec);
  }
  const lookup: WorldLookup = {
    findKey: (hash) => byHash.get(hash.toString('hex')),
    channel: (id) => CHANNELS.find((c) => c.id === id),
    channelsOf: (owner: ChannelOwner, type) =>
      CHANNELS.filter((c) => c.type === type && ('wabaId' in owner ? c.wabaId === owner.wabaId : c.workspaceId === owner.workspaceId)),
  };
  return { secret, record: records, lookup };
}

/** What a key text is, asked of the world each time: the verifier's identification, without its cache. */
export function identifyIn(lookup: WorldLookup, key: string): Identified {
  const hash = lookupHash(key);
  return typeof hash === 'string' ? hash : (lookup.findKey(hash) ?? 'unknown_key');
}

export interface RequestInput {
  method: string;
  path: string;
  credentials: Credentials;
  body: () => ParsedBody;
  now: number;
}

/** A real request as the verifier judges it: its key read, identified, then the decision. */
export function decideIn(input: RequestInput, deps: { lookup: WorldLookup; limiter: RateLimiter | null }): Verdict {
  const read = readRequest(input.method, input.path, input.credentials, input.body);
  return read instanceof Presented ? decideRequest(read, identifyIn(deps.lookup, read.key), input.now, deps) : read;
}

/** A dry run (`keys verify`) as the verifier judges it. */
export function dryRunIn(input: DryRunInput & { now: number }, lookup: WorldLookup, limiter: RateLimiter | null = null): DryRunVerdict {
  const read = readDryRun(input);
  return read instanceof DryRunPresented ? decideDryRun(read, identifyIn(lookup, read.key), input.now, lookup, limiter) : read;
}
