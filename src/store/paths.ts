import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the keystore location came from: a keystore someone named, or the default one. */
export type DbSource = '--db' | 'OCTO_DB' | 'default';

export interface DbLocation {
  path: string;
  source: DbSource;
}

/** SPEC §2: --db, then $OCTO_DB, then ${XDG_DATA_HOME:-~/.local/share}/octo/keystore.db. */
export function resolveDbLocation(flag: string | undefined, env: NodeJS.ProcessEnv): DbLocation {
  if (flag) return { path: flag, source: '--db' };
  if (env.OCTO_DB) return { path: env.OCTO_DB, source: 'OCTO_DB' };
  return { path: defaultDbPath(env), source: 'default' };
}

export function defaultDbPath(env: NodeJS.ProcessEnv): string {
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, 'octo', 'keystore.db');
}

/** SPEC §4: ${XDG_CONFIG_HOME:-~/.config}/octo/master.key, used when $OCTO_MASTER_KEY is unset. */
export function resolveMasterKeyPath(env: NodeJS.ProcessEnv): string {
  const configHome = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(configHome, 'octo', 'master.key');
}
