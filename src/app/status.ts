import { isPostgresUrl, maskDbUrl } from '../core/db-url.js';
import { OctoError } from '../core/errors.js';
import { keyAcceptance } from '../core/key-acceptance.js';
import type { KeyKind } from '../core/key-format.js';
import { secondsToExpiry } from '../core/key-policy.js';
import { KEY_KINDS, KEY_STATUSES, keyView, type KeyStatus, type KeyView } from '../core/model.js';
import { masterKeyFingerprint, wrongMasterKey } from '../core/secret-box.js';
import type { KeystoreLook, VerifierRow } from '../store/keystore.js';
import { findMasterKey, type MasterKeySource } from '../store/master-key.js';
import { lookAtKeystore, SCHEMA_VERSION } from '../store/open-keystore.js';
import { resolveMasterKeyPath, type DbSource } from '../store/paths.js';
import type { AppContext } from './context.js';
import { probeVerifier, verifierDown, type VerifierProbe } from './verifier-probe.js';

/**
 * `octo status`: what this invocation would use, and whether it works, read without changing
 * anything: no keystore or master key is created, no schema migrated (unlike every other command,
 * which migrates a keystore it opens).
 */
export interface StatusReport {
  /** true when nothing is in `problems`: the exit code is 0. */
  ok: boolean;
  keystore: KeystoreStatus;
  master_key: MasterKeyStatus;
  /** null when the keystore could not be read. */
  keys: KeyCounts | null;
  expiring: { within: string; keys: KeyView[] };
  clipboard: { available: boolean };
  verifier: VerifierProbe;
  /** The `octo serve` processes registered on a PostgreSQL keystore; null for a file, or when not read. */
  serving: ServingStatus | null;
  /** What makes commands fail here, each with the command that fixes it. */
  problems: Problem[];
}

export interface ServingStatus {
  /** The keystore's change version now: a verifier that has applied it is up to date. */
  version: number;
  verifiers: ServingVerifier[];
}

export interface ServingVerifier {
  host: string;
  pid: number;
  started_at: string;
  applied_version: number;
  lease_until: string;
  /** Its lease is live: writers wait for it to apply their changes. Not live: it answers nothing from its cache. */
  live: boolean;
}

export interface Problem {
  code: string;
  message: string;
  hint: string | null;
}

export interface KeystoreStatus {
  /** The file's path, or a PostgreSQL URL with its password masked. */
  location: string;
  source: DbSource;
  backend: 'sqlite' | 'postgres';
  state: 'ok' | 'not_created' | 'missing' | 'unreadable';
  /** PRAGMA user_version as found (0: an empty file not set up yet); null when not read. */
  schema_version: number | null;
  /** The version this octo writes: an older keystore is migrated by the next command that opens it. */
  schema_version_supported: number;
}

export interface MasterKeyStatus {
  /** Where the key in use comes from; null when there is none yet. */
  source: MasterKeySource | null;
  /** The file, read when OCTO_MASTER_KEY is unset (and created there on first use). */
  path: string;
  state: 'ok' | 'not_created' | 'missing' | 'mismatch' | 'invalid';
  /** A one-way fingerprint of the key in use (never the key). */
  fingerprint: string | null;
  /** null when there is nothing to compare with: no keystore, or one that has sealed nothing yet. */
  matches_keystore: boolean | null;
}

export type StatusCounts = Record<KeyStatus, number> & { total: number };

export interface KeyCounts {
  total: number;
  by_status: StatusCounts;
  by_kind: Record<KeyKind, StatusCounts>;
}

export interface StatusRequest {
  server: URL;
  serverSource: VerifierProbe['source'];
  /** How soon counts as expiring soon, in seconds, and as written. */
  expiringWithin: { seconds: number; text: string };
  /** How long each probe (clipboard, verifier) may take. */
  timeoutMs: number;
  /** Whether a clipboard answers within the time; a function, so that the use case need not know the UI's tools. */
  clipboard: (timeoutMs: number) => Promise<boolean>;
}

export async function collectStatus(ctx: AppContext, request: StatusRequest): Promise<StatusReport> {
  const problems: OctoError[] = [];
  const { keystore, look } = await openKeystore(ctx, problems);
  let keys: KeyCounts | null = null;
  let expiring: KeyView[] = [];
  let recorded: string | null = null;
  let serving: ServingStatus | null = null;
  try {
    if (look) {
      ({ keys, expiring } = await readKeys(look, ctx.now(), request.expiringWithin.seconds));
      recorded = look.schemaVersion > 0 ? ((await look.store.meta.get('master_key_fingerprint')) ?? null) : null;
      if (look.schemaVersion > 0 && look.store.verifiers) serving = servingStatus(await look.store.verifiers());
    } else if (keystore.state === 'not_created') {
      keys = emptyCounts();
    }
  } finally {
    await look?.store.close();
  }
  const master_key = masterKeyStatus(ctx.env, recorded, problems);
  // One after the other, and after the keystore, whose reads block, as loading the clipboard's
  // modules does: the probe's timeout and latency then measure the verifier alone.
  const clipboard = await request.clipboard(request.timeoutMs);
  const probe = await probeVerifier(request.server, request.serverSource, request.timeoutMs);
  if (!probe.up && request.serverSource === '--server') problems.push(verifierDown(probe));
  return {
    ok: problems.length === 0,
    keystore,
    master_key,
    keys,
    expiring: { within: request.expiringWithin.text, keys: expiring },
    clipboard: { available: clipboard },
    verifier: probe,
    serving,
    problems: problems.map((p) => ({ code: p.code, message: p.message, hint: p.hint ?? null })),
  };
}

function servingStatus(found: { version: number; verifiers: VerifierRow[] }): ServingStatus {
  return {
    version: found.version,
    verifiers: found.verifiers.map((v) => ({
      host: v.host, pid: v.pid, started_at: new Date(v.startedAt).toISOString(), applied_version: v.appliedVersion,
      lease_until: new Date(v.leaseUntil).toISOString(), live: v.leaseUntil > v.readAt,
    })),
  };
}

async function openKeystore(ctx: AppContext, problems: OctoError[]): Promise<{ keystore: KeystoreStatus; look: KeystoreLook | null }> {
  const { path, source } = ctx.location;
  const status = (state: KeystoreStatus['state'], schemaVersion: number | null = null): KeystoreStatus => ({
    location: maskDbUrl(path),
    source,
    backend: isPostgresUrl(path) ? 'postgres' : 'sqlite',
    state,
    schema_version: schemaVersion,
    schema_version_supported: SCHEMA_VERSION,
  });
  try {
    if (!ctx.keystoreExists()) return { keystore: status('not_created'), look: null };
  } catch (err) {
    problems.push(asProblem(err));
    return { keystore: status('missing'), look: null };
  }
  try {
    const look = await lookAtKeystore(path);
    return { keystore: status('ok', look.schemaVersion), look };
  } catch (err) {
    problems.push(asProblem(err));
    return { keystore: status('unreadable'), look: null };
  }
}

/** Counts by kind and status (the one acceptance rule), and the active keys that expire soon, soonest first. */
async function readKeys(look: KeystoreLook, now: number, within: number): Promise<{ keys: KeyCounts; expiring: KeyView[] }> {
  const keys = emptyCounts();
  if (look.schemaVersion === 0) return { keys, expiring: [] };
  const soon: { id: string; at: number }[] = [];
  for await (const row of look.store.keys.states()) {
    const status = keyAcceptance(row, now).status;
    keys.total++;
    keys.by_status[status]++;
    keys.by_status.total++;
    keys.by_kind[row.kind][status]++;
    keys.by_kind[row.kind].total++;
    if (secondsToExpiry(row, within, now) !== null) soon.push({ id: row.id, at: row.expiresAt! });
  }
  soon.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  const expiring: KeyView[] = [];
  for (const { id } of soon) {
    const record = await look.store.keys.findById(id);
    if (record) expiring.push(keyView(record, now));
  }
  return { keys, expiring };
}

function emptyCounts(): KeyCounts {
  const zero = (): StatusCounts => ({ ...Object.fromEntries(KEY_STATUSES.map((s) => [s, 0])), total: 0 }) as StatusCounts;
  return { total: 0, by_status: zero(), by_kind: Object.fromEntries(KEY_KINDS.map((k) => [k, zero()])) as Record<KeyKind, StatusCounts> };
}

/** The master key in use, without creating one, checked against the fingerprint the keystore recorded. */
function masterKeyStatus(env: NodeJS.ProcessEnv, recorded: string | null, problems: OctoError[]): MasterKeyStatus {
  const path = resolveMasterKeyPath(env);
  // Compared only where the keystore recorded a fingerprint (when it first sealed a secret).
  const status = (state: MasterKeyStatus['state'], source: MasterKeySource | null, fingerprint: string | null = null): MasterKeyStatus => ({
    source,
    path,
    state,
    fingerprint,
    matches_keystore: recorded === null || state === 'invalid' ? null : recorded === fingerprint,
  });
  let found: ReturnType<typeof findMasterKey>;
  try {
    found = findMasterKey(env, path);
  } catch (err) {
    problems.push(asProblem(err));
    return status('invalid', env.OCTO_MASTER_KEY ? 'OCTO_MASTER_KEY' : 'file');
  }
  if (!found) {
    if (recorded === null) return status('not_created', null);
    problems.push(masterKeyMissing(recorded, path));
    return status('missing', null);
  }
  const fingerprint = masterKeyFingerprint(found.key);
  if (recorded !== null && recorded !== fingerprint) {
    problems.push(wrongMasterKey());
    return status('mismatch', found.source, fingerprint);
  }
  return status('ok', found.source, fingerprint);
}

function asProblem(err: unknown): OctoError {
  if (err instanceof OctoError) return err;
  throw err;
}

/** No master key here, while the keystore holds secrets sealed under one: a copy would make a new key and fail. */
function masterKeyMissing(recorded: string, path: string): OctoError {
  return new OctoError('master_key_missing', `no master key here (OCTO_MASTER_KEY is unset and ${path} does not exist), but this keystore's secrets are sealed under one (fingerprint ${recorded})`, {
    hint: `set OCTO_MASTER_KEY to the master key this keystore was created with, or put it in ${path}`,
  });
}
