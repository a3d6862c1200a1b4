import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';

/**
 * The clipboard, for real: a private Xvfb display and the system xsel (both Debian packages,
 * installed by scripts/ensure-test-deps.sh before `npm test`).
 */
function startXvfb(): Promise<{ proc: ChildProcess; display: string }> {
  return new Promise((resolve, reject) => {
    // -displayfd: Xvfb picks a free display number and writes it to fd 3 once it is ready.
    const proc = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not start')), 10_000);
    proc.on('error', reject);
    (proc.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({ proc, display: `:${out.trim()}` });
      }
    });
  });
}

describe('keys copy to the clipboard', () => {
  const sb = new Sandbox();
  let xvfb: { proc: ChildProcess; display: string };
  let keyId = '';
  let secret = '';

  beforeAll(async () => {
    xvfb = await startXvfb();
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    const created = await sb.json<{ key: { id: string }; secret: string }>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    keyId = created.key.id;
    secret = created.secret;
  });
  afterAll(() => {
    xvfb?.proc.kill();
    sb.cleanup();
  });

  it('puts the whole key on the X clipboard and prints only the masked form', async () => {
    const r = await sb.run(['keys', 'copy', keyId], { env: { DISPLAY: xvfb.display, WAYLAND_DISPLAY: '' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Copied');
    expect(r.stderr).not.toContain(secret);
    const pasted = execFileSync('xsel', ['--clipboard', '--output'], { env: { ...process.env, DISPLAY: xvfb.display }, timeout: 5000 });
    expect(pasted.toString()).toBe(secret);
  });

  it('says clearly when there is no clipboard, and points at --print', async () => {
    const r = await sb.run(['keys', 'copy', keyId], { env: { DISPLAY: '', WAYLAND_DISPLAY: '' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: no clipboard is available here/m);
    expect(r.stderr).toContain(`octo keys copy ${keyId} --print`);
  });
});
