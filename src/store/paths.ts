import { homedir } from 'node:os';
import { join } from 'node:path';

/** SPEC §2: --db, then $OCTO_DB, then ${XDG_DATA_HOME:-~/.local/share}/octo/keystore.db. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return flag;
  if (env.OCTO_DB) return env.OCTO_DB;
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, 'octo', 'keystore.db');
}

/** SPEC §4: ${XDG_CONFIG_HOME:-~/.config}/octo/master.key, used when $OCTO_MASTER_KEY is unset. */
export function resolveMasterKeyPath(env: NodeJS.ProcessEnv): string {
  const configHome = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(configHome, 'octo', 'master.key');
}
