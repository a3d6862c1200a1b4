import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/*
 * Where the test suite's PostgreSQL comes from, decided once, in the vitest config: OCTO_TEST_PG_URL
 * (a server someone started, as .ci/run does), else a throwaway server the global setup starts when
 * PostgreSQL's binaries are installed, else none: the PostgreSQL project is left out and says why,
 * except under CI=true, where a missing PostgreSQL fails the run instead of passing it quietly.
 */
export type PgSource = { kind: 'url'; url: string } | { kind: 'start'; bin: string } | { kind: 'none'; why: string };

/** The folder holding initdb, psql and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/N/bin, newest first. */
export function postgresBin(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'initdb'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'initdb')));
}

export function pgSource(env: NodeJS.ProcessEnv = process.env): PgSource {
  if (env.OCTO_TEST_PG_URL) return { kind: 'url', url: env.OCTO_TEST_PG_URL };
  const bin = postgresBin();
  if (bin) return { kind: 'start', bin };
  return {
    kind: 'none',
    why: 'PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin) and OCTO_TEST_PG_URL is not set; ' +
      'install it (apt-get install postgresql) or point OCTO_TEST_PG_URL at a server whose user may create databases',
  };
}

/** psql, found beside initdb, or on PATH (a machine with only the client, against OCTO_TEST_PG_URL). */
export function psqlPath(): string {
  const bin = postgresBin();
  if (bin && existsSync(join(bin, 'psql'))) return join(bin, 'psql');
  return 'psql';
}

/** Runs one SQL statement through psql, synchronously (a Sandbox is made in a constructor). */
export function psql(url: string, sql: string): string {
  return execFileSync(psqlPath(), [url, '-v', 'ON_ERROR_STOP=1', '-Atqc', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
