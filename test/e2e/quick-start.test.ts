import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, Sandbox } from '../helpers/cli.js';

/**
 * The README's Quick start is run as written, in bash with `set -euo pipefail`, against a
 * temporary keystore, with `octo` on PATH as a newcomer would have it after `npm link`. Only the
 * port differs: the block reads it from $PORT, so the test takes a free one rather than 8787.
 */
const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

function quickStartBlock(): string {
  const section = README.slice(README.indexOf('\n## Quick start\n'));
  return /```sh\n([^]*?)```/.exec(section)![1]!;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a bash script in its own process group, so that anything it left running can be killed. */
function runBash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<ScriptResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('bash', ['-c', script], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
    child.on('exit', killGroup);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

describe('README Quick start', () => {
  const sandbox = new Sandbox();
  afterAll(() => sandbox.cleanup());

  it('runs as pasted: exit 0, the SMS message accepted (202), the bearer call 200, serve stopped', async () => {
    const bin = join(sandbox.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'octo'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'octo'), 0o755);
    const port = await freePort();
    const env = {
      ...sandbox.env,
      PORT: String(port),
      PATH: [bin, dirname(process.execPath), process.env.PATH].join(':'),
    };

    const r = await runBash(`set -euo pipefail\n${quickStartBlock()}`, sandbox.dir, env);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\{"id":"msg_[^"]+","status":"queued","channel_id":"ch_[^"]+"\} 202$/m);
    expect(r.stdout).toMatch(/^\{"ok":true,"key_id":"key_[^"]+","livemode":true,"scope":"posts:read"\} 200$/m);
    // serve's own output goes to serve.log (shown at the end), so it never cuts into curl's lines.
    expect(r.stdout).toContain(`listening on http://127.0.0.1:${port}`);
    expect(r.stdout).toMatch(/ POST \/api\/v1\/sms\/messages 202 key_\w+ ok /);
    expect(r.stdout).toContain('refused (exit 1)');
    expect(r.stdout).toContain('a live key (exit 1)');
    expect(r.stderr).toMatch(/^stopped$/m);
  });
});
