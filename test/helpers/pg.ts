import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll } from 'vitest';

/*
 * A real PostgreSQL for a test file: OCTO_TEST_PG_URL when set (a server the caller runs; its
 * `postgres` database is only used to create and drop the tests' own), else a throwaway one
 * started with scripts/test-postgres.sh when PostgreSQL's binaries are on this machine, stopped
 * after the file. Without either the file's tests are skipped, saying why, except under CI=true,
 * where they fail: CI must run them.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'test-postgres.sh');

function binariesFound(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v initdb'], { stdio: 'ignore' });
    return true;
  } catch {
    return existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  }
}

const given = process.env.OCTO_TEST_PG_URL;
const canRun = Boolean(given) || binariesFound();
const inCi = process.env.CI === 'true';
export const pgSkipReason = canRun ? null : 'PostgreSQL tests skipped: OCTO_TEST_PG_URL is not set and no PostgreSQL binaries (initdb) were found';
/** True where the file's tests must be skipped (never under CI=true: they fail there instead). */
export const skipPg = !canRun && !inCi;
if (skipPg) console.warn(pgSkipReason);

/** The pg_dump of the server in use, where it is on this machine. */
export function pgDumpBinary(): string | null {
  const dirs = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().reverse() : [];
  for (const v of dirs) if (existsSync(`/usr/lib/postgresql/${v}/bin/pg_dump`)) return `/usr/lib/postgresql/${v}/bin/pg_dump`;
  return null;
}

/** Sets up the server for the file; `fresh()` gives each caller a new empty database's URL. */
export function usePostgres(): { url: () => string; fresh: () => Promise<string> } {
  let admin: string | undefined;
  let dir: string | undefined;
  let created: string[] = [];
  beforeAll(() => {
    if (skipPg) return;
    if (!canRun) throw new Error(`CI=true, and ${pgSkipReason}`);
    if (given) {
      admin = given;
      return;
    }
    dir = mkdtempSync(join(tmpdir(), 'octo-pg-'));
    admin = execFileSync('bash', [SCRIPT, 'start', dir], { encoding: 'utf8' }).trim();
  }, 60_000);
  afterEach(async () => {
    if (!given || created.length === 0) return;
    const sql = postgres(admin!, { max: 1, onnotice: () => {} });
    try {
      for (const db of created) await sql.unsafe(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    } finally {
      created = [];
      await sql.end();
    }
  });
  afterAll(() => {
    if (dir) execFileSync('bash', [SCRIPT, 'stop', dir]);
  });
  return {
    url: () => admin!,
    fresh: async () => {
      const name = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      const sql = postgres(admin!, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`CREATE DATABASE ${name}`);
      } finally {
        await sql.end();
      }
      created.push(name);
      const u = new URL(admin!);
      u.pathname = `/${name}`;
      return u.toString();
    },
  };
}

/**
 * A script run in child processes by `node`: test/helpers/pg-worker.ts bundled by esbuild (the
 * packages stay external and resolve from the repository), so that races are between processes.
 */
export function workerScript(): string {
  const out = join(ROOT, 'dist', 'test-pg', 'pg-worker.mjs');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'esbuild', 'bin', 'esbuild'), join(ROOT, 'test', 'helpers', 'pg-worker.ts'),
    '--bundle', '--platform=node', '--format=esm', '--packages=external', `--outfile=${out}`, '--log-level=warning']);
  return out;
}

/**
 * Starts one worker process per argument list, waits until every one has opened the keystore
 * (`ready`), then tells them all to go at once; resolves to each one's JSON outcome.
 */
export async function raceWorkers(script: string, argLists: string[][], timeoutMs = 60_000): Promise<Record<string, unknown>[]> {
  const { spawn } = await import('node:child_process');
  const children = argLists.map((args) => spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }));
  const readies: Promise<void>[] = [];
  const outcomes = children.map((c, i) => new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    let err = '';
    let markReady!: () => void;
    readies[i] = new Promise<void>((r) => (markReady = r));
    const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('ready\n')) markReady();
    });
    c.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    c.on('close', () => {
      clearTimeout(timer);
      markReady();
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        reject(new Error(`worker ${argLists[i]!.join(' ')} said: ${out}${err}`));
      }
    });
  }));
  await Promise.all(readies);
  for (const c of children) c.stdin.end('go\n');
  return Promise.all(outcomes);
}
