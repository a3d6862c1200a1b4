import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { BIN } from './cli.js';

/** For tests that run a README example as a reader would paste it. */
export const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

/**
 * The first ```sh block after each of `marks` in turn (a heading, then a sentence under it): the
 * test fails at once, naming the mark, when the README no longer has it.
 */
export function shellBlock(...marks: string[]): string {
  let at = 0;
  for (const mark of marks) {
    const found = README.indexOf(mark, at);
    if (found < 0) throw new Error(`README.md has no ${JSON.stringify(mark)} (after offset ${at})`);
    at = found + mark.length;
  }
  const block = /```sh\n([^]*?)```/.exec(README.slice(at));
  if (!block) throw new Error(`README.md has no sh block after ${JSON.stringify(marks.at(-1))}`);
  return block[1]!;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** A PATH with `octo` on it, as a reader has it after `npm link`: a shim in `dir`/bin. */
export function pathWithOcto(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'octo'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'octo'), 0o755);
  return [bin, dirname(process.execPath), process.env.PATH].join(':');
}

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a script in its own process group, so that anything it left running can be killed: at once
 * when the script exits, or `graceMs` later (for a script whose trap stops what it started).
 */
export function runScript(shell: 'bash' | 'sh', script: string, cwd: string, env: NodeJS.ProcessEnv, graceMs = 0): Promise<ScriptResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(shell, ['-c', script], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group has already gone
      }
    };
    const timer = setTimeout(killGroup, 90_000);
    child.on('error', reject);
    // `close` waits for every holder of the pipes, so a serve the script left behind would keep it
    // open: `exit` ends the group (a no-op when the script stopped serve itself), then close reports.
    child.on('exit', () => (graceMs > 0 ? setTimeout(killGroup, graceMs) : killGroup()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}
