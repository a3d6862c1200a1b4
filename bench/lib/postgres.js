// The PostgreSQL keystore in the bench (SPEC §11): a throwaway server (scripts/test-postgres.sh),
// or the one OCTO_BENCH_PG_URL names; keystores on either backend made through the CLI, so that both
// hold exactly what a user would create.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/octo.js', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scripts/test-postgres.sh', import.meta.url));

/** A server for the bench, or null (and why) when none can be had: the rows are then left out. */
export function startPostgres() {
  if (process.env.OCTO_BENCH_PG_URL) return { url: process.env.OCTO_BENCH_PG_URL, stop() {} };
  const parent = mkdtempSync(join(tmpdir(), 'octo-bench-pg-'));
  chmodSync(parent, 0o755);
  const dir = join(parent, 'server');
  const r = spawnSync('bash', [SCRIPT, 'start', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(parent, { recursive: true, force: true });
    return { url: null, why: r.stderr.trim() || 'scripts/test-postgres.sh failed', stop() {} };
  }
  return {
    url: r.stdout.trim(),
    stop() {
      spawnSync('bash', [SCRIPT, 'stop', dir]);
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

/** A new database on the server, as a keystore URL. */
export function newDatabase(serverUrl, name) {
  const psql = process.env.PSQL ?? findPsql();
  execFileSync(psql, [serverUrl, '-Atqc', `CREATE DATABASE ${name}`]);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
}

function findPsql() {
  const r = spawnSync('sh', ['-c', 'command -v psql || ls /usr/lib/postgresql/*/bin/psql | sort -V | tail -1'], { encoding: 'utf8' });
  return r.stdout.trim().split('\n')[0] || 'psql';
}

export function octo(args, env, db) {
  const r = spawnSync(process.execPath, [BIN, ...args, '--db', db], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`octo ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** A workspace, an SMS channel and its key, and a bearer key, on the keystore `db` (a path or a URL). */
export function buildSmallKeystore(db, env) {
  octo(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme'], env, db);
  octo(['channels', 'add', 'Support', '--workspace', 'acme', '--type', 'sms', '--id', 'sms1'], env, db);
  const channelKey = octo(['keys', 'create', 'channel', '--channel', 'sms1'], env, db);
  const bearerKey = octo(['keys', 'create', 'bearer', '--name', 'bench', '--scope', 'posts:read'], env, db);
  return { db, channelKey, bearerKey };
}

/** Wall time of one CLI command, in ms. */
export function timed(args, env, db) {
  const t = process.hrtime.bigint();
  const out = octo(args, env, db);
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, out };
}
