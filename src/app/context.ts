import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { isPostgresUrl, maskDbUrl } from '../core/db-url.js';
import { OctoError } from '../core/errors.js';
import { shellWord } from '../core/shell-word.js';
import { masterKeyFingerprint, wrongMasterKey } from '../core/secret-box.js';
import type { Keystore } from '../store/keystore.js';
import { loadMasterKey } from '../store/master-key.js';
import { emptyKeystore, lookAtKeystore, openKeystore } from '../store/open-keystore.js';
import { defaultDbPath, resolveDbLocation, resolveMasterKeyPath, type DbLocation } from '../store/paths.js';

/**
 * What a command needs of the keystore, declared per command (cli/keystore-access.ts): `creates`
 * opens it and creates it on first use (commands that add something); `existing` never creates one
 * (commands that read, or change a key or webhook that must already be there); `none` never opens it.
 */
export type KeystoreAccess = 'creates' | 'existing' | 'none';

/**
 * What every use case needs: the keystore (opened on first use), the clock, the actor for the
 * audit log, and the master key (loaded only by the commands that seal or open a secret, so that
 * `keys verify` never touches it).
 */
export class AppContext {
  private storeInstance: Keystore | undefined;
  private storeOpening: Promise<Keystore> | undefined;
  private master: Buffer | undefined;
  readonly location: DbLocation;

  constructor(
    readonly env: NodeJS.ProcessEnv,
    dbFlag?: string,
    readonly now: () => number = Date.now,
    readonly access: KeystoreAccess = 'creates',
  ) {
    this.location = resolveDbLocation(dbFlag, env);
  }

  get dbPath(): string {
    return this.location.path;
  }

  /** The keystore's location as messages show it: a PostgreSQL URL's password as `***`. */
  get dbLabel(): string {
    return maskDbUrl(this.location.path);
  }

  get isPostgres(): boolean {
    return isPostgresUrl(this.location.path);
  }

  /**
   * The keystore, opened on the first call (every later call gets the same one). A command of
   * `existing` access gets an empty one (in memory, nothing written) where the default keystore does
   * not exist yet, and an error where the keystore it was told to use (--db, OCTO_DB) does not
   * exist: a typo must not read as "no keys, all is well".
   */
  keystore(): Promise<Keystore> {
    return (this.storeOpening ??= this.openStore());
  }

  private async openStore(): Promise<Keystore> {
    if (this.access === 'none') throw new Error('this command declared that it does not use the keystore');
    if (this.isPostgres && this.access === 'existing') {
      this.storeInstance = await this.openExistingPostgres();
      return this.storeInstance;
    }
    this.storeInstance = this.access === 'creates' || this.keystoreExists() ? await openKeystore(this.location.path) : emptyKeystore();
    return this.storeInstance;
  }

  /**
   * A database is always named (--db or OCTO_DB), so a read of one that holds no octo keystore yet
   * is `keystore_missing`, as a file named there that does not exist is: looked at as it is first
   * (one connection, nothing created), so that the read creates no tables, then opened.
   */
  private async openExistingPostgres(): Promise<Keystore> {
    const look = await lookAtKeystore(this.location.path);
    await look.store.close();
    if (look.schemaVersion === 0) throw keystoreMissing(this.location, defaultDbPath(this.env));
    return openKeystore(this.location.path);
  }

  /**
   * The keystore, where a command cannot do without one even at the default location (a verdict,
   * a wait for what serve writes): one that is not there is `keystore_missing`, with `hint`.
   */
  async existingKeystore(hint: string): Promise<Keystore> {
    if (!this.keystoreExists()) throw new OctoError('keystore_missing', `no keystore at ${this.dbLabel}`, { hint });
    return this.keystore();
  }

  /**
   * Whether there is a keystore to read, creating nothing: false for the default location before
   * its first write; for a keystore named by --db or OCTO_DB that is not there, `keystore_missing`.
   */
  keystoreExists(): boolean {
    // Whether a database holds a keystore is told only by asking it (keystore(), asynchronously).
    if (this.isPostgres) return true;
    if (existsSync(this.location.path)) return true;
    if (this.location.source === 'default') return false;
    throw keystoreMissing(this.location, defaultDbPath(this.env));
  }

  /**
   * Whether there is a keystore here already, creating nothing and never failing on its absence:
   * a file that exists, a database that holds octo's tables. (A server that cannot be reached
   * still fails: nothing can be planned against it.)
   */
  async holdsKeystore(): Promise<boolean> {
    if (!this.isPostgres) return existsSync(this.location.path);
    const look = await lookAtKeystore(this.location.path);
    await look.store.close();
    return look.schemaVersion > 0;
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
  async masterKey(): Promise<Buffer> {
    if (this.master) return this.master;
    const key = loadMasterKey(this.env, resolveMasterKeyPath(this.env));
    const fingerprint = masterKeyFingerprint(key);
    const store = await this.keystore();
    const recorded =
      (await store.meta.get('master_key_fingerprint')) ?? (await store.meta.setIfAbsent('master_key_fingerprint', fingerprint));
    if (recorded !== fingerprint) throw wrongMasterKey();
    this.master = key;
    return key;
  }

  async close(): Promise<void> {
    await this.storeInstance?.close();
  }
}

/** A keystore someone named that is not there: most often a typo in a CI variable or a flag. */
function keystoreMissing(db: DbLocation, defaultPath: string): OctoError {
  if (isPostgresUrl(db.path)) {
    return new OctoError('keystore_missing', `no octo keystore in the database ${maskDbUrl(db.path)} (named by ${db.source})`, {
      hint: `check ${db.source === '--db' ? 'the URL' : 'OCTO_DB'}; to start a new keystore in that database, run a command that adds something ` +
        `with the same ${db.source}, e.g. \`octo workspaces add Acme --platform intercom\``,
    });
  }
  const path = shellWord(db.path);
  const create = db.source === '--db'
    ? `octo workspaces add Acme --platform intercom --db ${path}`
    : `OCTO_DB=${path} octo workspaces add Acme --platform intercom`;
  return new OctoError('keystore_missing', `no keystore at ${maskDbUrl(db.path)} (named by ${db.source})`, {
    hint: `check ${db.source === '--db' ? 'the path' : `OCTO_DB, or unset it to use the default keystore (${defaultPath})`}; ` +
      `to start a new keystore there, run a command that adds something, e.g. \`${create}\``,
  });
}
