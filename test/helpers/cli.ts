import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { psql } from '../setup/postgres-env.js';

export const BIN = resolve(import.meta.dirname, '../../bin/octo.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Working directory of the octo process (default: the test's). */
  cwd?: string;
}

/** The keystore backend this test project runs on (vitest.config.ts): `sqlite` unless told. */
export const BACKEND: 'sqlite' | 'postgres' = process.env.OCTO_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

/**
 * A private world for one test: a temporary folder holding the keystore, the master key and the
 * XDG homes, so that nothing touches the developer's own keystore. In the `postgres` project the
 * keystore is a fresh database of the test server instead of a file (dropped by cleanup()).
 */
export class Sandbox {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  private readonly pgDatabase: string | undefined;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'octo-test-'));
    // CI=true (as .ci/run sets it) makes chalk's colour detection say "no colour" even on a terminal;
    // a sandbox is a person's shell, so it starts without it.
    const { NO_COLOR: _noColor, FORCE_COLOR: _force, OCTO_DB: _db, OCTO_KEY: _key, CI: _ci, ...rest } = process.env;
    this.env = {
      ...rest,
      HOME: this.dir,
      XDG_DATA_HOME: join(this.dir, 'data'),
      XDG_CONFIG_HOME: join(this.dir, 'config'),
      OCTO_DB: join(this.dir, 'keystore.db'),
      OCTO_MASTER_KEY: randomBytes(32).toString('base64'),
      OCTO_ACTOR: 'tester',
    };
    if (BACKEND === 'postgres') {
      this.pgDatabase = `octo_t_${randomBytes(6).toString('hex')}`;
      const server = testPgUrl();
      psql(server, `CREATE DATABASE ${this.pgDatabase}`);
      const url = new URL(server);
      url.pathname = `/${this.pgDatabase}`;
      this.env.OCTO_DB = url.href;
    }
  }

  get db(): string {
    return this.env.OCTO_DB!;
  }

  run(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return runOcto(args, { ...opts, env: { ...this.env, ...opts.env } });
  }

  /** Runs and parses stdout as JSON, failing loudly with stderr when the command failed. */
  async json<T = Record<string, unknown>>(args: string[], opts: RunOptions = {}): Promise<T> {
    const r = await this.run([...args, '--json'], opts);
    if (r.code !== 0) throw new Error(`octo ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
    if (this.pgDatabase) psql(testPgUrl(), `DROP DATABASE IF EXISTS ${this.pgDatabase} WITH (FORCE)`);
  }
}

/** The test server's URL (test/setup/postgres.ts); its absence in the postgres project is a setup bug. */
function testPgUrl(): string {
  const url = process.env.OCTO_TEST_PG_URL;
  if (!url) throw new Error('OCTO_TEST_BACKEND=postgres but OCTO_TEST_PG_URL is not set (see test/setup/postgres.ts)');
  return url;
}

export function runOcto(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export interface PtyStep {
  expect: string;
  send?: string;
  /** A signal number sent to octo's process once `expect` is on the screen. */
  signal?: number;
}

/** Runs octo in a real pseudo-terminal (stdin and stdout are TTYs), answering prompts by script. */
export async function runInPty(
  sandbox: Sandbox,
  args: string[],
  steps: PtyStep[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; output: string }> {
  const script = resolve(import.meta.dirname, 'pty-run.py');
  const r = await new Promise<RunResult>((resolvePromise, reject) => {
    const child = spawn('python3', [script, JSON.stringify(steps), process.execPath, BIN, ...args], {
      env: { ...sandbox.env, TERM: 'xterm-256color', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  if (r.code !== 0) throw new Error(`pty-run failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { code: number; output: string };
}
