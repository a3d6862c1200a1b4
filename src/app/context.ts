import { userInfo } from 'node:os';
import { masterKeyFingerprint, wrongMasterKey } from '../core/secret-box.js';
import { Keystore } from '../store/keystore.js';
import { loadMasterKey } from '../store/master-key.js';
import { resolveDbPath, resolveMasterKeyPath } from '../store/paths.js';

/**
 * What every use case needs: the keystore (opened on first use), the clock, the actor for the
 * audit log, and the master key (loaded only by the commands that seal or open a secret, so that
 * `keys verify` never touches it).
 */
export class AppContext {
  private storeInstance: Keystore | undefined;
  private master: Buffer | undefined;
  readonly dbPath: string;

  constructor(
    readonly env: NodeJS.ProcessEnv,
    dbFlag?: string,
    readonly now: () => number = Date.now,
  ) {
    this.dbPath = resolveDbPath(dbFlag, env);
  }

  get store(): Keystore {
    this.storeInstance ??= Keystore.open(this.dbPath);
    return this.storeInstance;
  }

  /** $OCTO_ACTOR, else the OS user (SPEC §5). */
  get actor(): string {
    if (this.env.OCTO_ACTOR) return this.env.OCTO_ACTOR;
    try {
      return userInfo().username;
    } catch {
      return this.env.USER ?? 'unknown';
    }
  }

  /** The master key, checked against the fingerprint the keystore recorded when it first sealed. */
  masterKey(): Buffer {
    if (this.master) return this.master;
    const key = loadMasterKey(this.env, resolveMasterKeyPath(this.env));
    const fingerprint = masterKeyFingerprint(key);
    const recorded =
      this.store.meta.get('master_key_fingerprint') ?? this.store.meta.setIfAbsent('master_key_fingerprint', fingerprint);
    if (recorded !== fingerprint) throw wrongMasterKey();
    this.master = key;
    return key;
  }

  close(): void {
    this.storeInstance?.close();
  }
}
