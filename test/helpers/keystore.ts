import Database from 'better-sqlite3';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { psql, psqlPath } from '../setup/postgres-env.js';
import { BIN, type RunResult } from './cli.js';

/**
 * What a test compares to say "the keystore is unchanged": the schema version and every row of
 * every table, in rowid order. A logical dump, so that a checkpoint moving pages from the WAL into
 * the main file does not count as a change, while any lost, added or altered row does.
 */
export function dumpKeystore(path: string): { userVersion: number; tables: Record<string, unknown[]> } {
  if (/^postgres(ql)?:\/\//.test(path)) return dumpPostgresKeystore(path);
  const db = new Database(path, { fileMustExist: true });
  try {
    const names = db.prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    ).all().map((r) => r.name);
    const tables: Record<string, unknown[]> = {};
    for (const name of names) tables[name] = db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all();
    return { userVersion: db.pragma('user_version', { simple: true }) as number, tables };
  } finally {
    db.close();
  }
}

/**
 * The same for a PostgreSQL keystore: every table of the public schema but the verifiers' leases
 * (which move while a verifier runs, as SQLite's WAL does), each in the order of its whole row.
 */
function dumpPostgresKeystore(url: string): { userVersion: number; tables: Record<string, unknown[]> } {
  const names = psql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'octo_verifiers' ORDER BY tablename COLLATE \"C\"")
    .split('\n').filter(Boolean);
  const tables: Record<string, unknown[]> = {};
  for (const name of names) {
    tables[name] = JSON.parse(psql(url, `SELECT coalesce(json_agg(t ORDER BY t::text COLLATE "C"), '[]') FROM "${name}" t`)) as unknown[];
  }
  const version = Number(psql(url, 'SELECT max(version) FROM octo_schema').trim() || 0);
  return { userVersion: version, tables };
}

/**
 * Everything the keystore holds as text, to search for what must never be stored: the file's bytes
 * (latin1) for SQLite, a pg_dump of the database for PostgreSQL.
 */
export function keystoreText(location: string): string {
  if (!/^postgres(ql)?:\/\//.test(location)) return readFileSync(location).toString('latin1');
  const pgDump = psqlPath().replace(/psql$/, 'pg_dump');
  return execFileSync(pgDump, ['--data-only', location], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** The SHA-256 of a file's bytes, or null when it does not exist. */
export function digest(path: string): string | null {
  return existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : null;
}

/** One query against a keystore from the test process (never to change it). */
export function query<T>(path: string, sql: string, ...args: unknown[]): T[] {
  const db = new Database(path, { fileMustExist: true });
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  /** Start under this umask (through sh), to prove octo does not rely on the caller's. */
  umask?: string;
  /** Run as another user (only possible as root): how a read-only folder is made for root. */
  uid?: number;
  timeoutMs?: number;
}

/**
 * The command and arguments that run node with `nodeArgs`, under `umask` when one is given (through
 * sh, which execs node: the process signalled and waited for is node itself).
 */
export function nodeUnderUmask(nodeArgs: string[], umask?: string): [string, string[]] {
  return umask === undefined
    ? [process.execPath, nodeArgs]
    : ['/bin/sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, ...nodeArgs]];
}

/** Starts `octo ARGS` and hands back the child, for tests that kill it or run many at once. */
export function startOcto(args: string[], opts: SpawnOptions): ChildProcess {
  const [cmd, argv] = nodeUnderUmask([BIN, ...args], opts.umask);
  const child = spawn(cmd, argv, {
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.uid }),
  });
  return child;
}

/** Waits for a started child; a hung child is killed after the timeout (every test is bounded). */
export function finish(child: ChildProcess, timeoutMs = 20_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function runWith(args: string[], opts: SpawnOptions): Promise<RunResult> {
  return finish(startOcto(args, opts), opts.timeoutMs);
}

/** A Node stack frame line: what must never reach the user without --debug. */
export const STACK_LINE = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

/**
 * One statement that stages what no command can (a last use at a chosen time), on either backend.
 * `?` placeholders take numbers or strings from the test itself (quoted here for PostgreSQL).
 */
export function stageKeystore(location: string, sql: string, ...args: (number | string)[]): void {
  if (/^postgres(ql)?:\/\//.test(location)) {
    let i = 0;
    psql(location, sql.replace(/\?/g, () => {
      const v = args[i++]!;
      return typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;
    }));
    return;
  }
  const db = new Database(location, { fileMustExist: true });
  try {
    db.prepare(sql).run(...args);
  } finally {
    db.close();
  }
}
