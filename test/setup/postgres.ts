import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pgSource } from './postgres-env.js';

/*
 * vitest's global setup: makes OCTO_TEST_PG_URL point at a PostgreSQL server for every test worker
 * (they inherit the environment), starting a throwaway one (scripts/test-postgres.sh) when none was
 * given, and stopping it at the end of the run.
 */
const script = resolve(import.meta.dirname, '../../scripts/test-postgres.sh');

export default function setup(): (() => void) | undefined {
  const source = pgSource();
  if (source.kind !== 'start') return undefined;
  const parent = mkdtempSync(join(tmpdir(), 'octo-test-pg-'));
  // The server runs as the postgres user when the tests run as root: it must reach its folder.
  chmodSync(parent, 0o755);
  const dir = join(parent, 'server');
  const url = execFileSync('bash', [script, 'start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  process.env.OCTO_TEST_PG_URL = url;
  return () => {
    execFileSync('bash', [script, 'stop', dir], { stdio: 'inherit' });
    rmSync(parent, { recursive: true, force: true });
  };
}
