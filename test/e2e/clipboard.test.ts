import { execFileSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';
import { startXvfb } from '../helpers/xvfb.js';

// The clipboard, for real: a private Xvfb display and the system xsel.
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
    const audit = await sb.json<{ events: { action: string; detail: unknown }[] }>(['audit', '--limit', '1']);
    expect(audit.events).toEqual([expect.objectContaining({ action: 'key.reveal', detail: { to: 'clipboard' } })]);
  });

  it('says clearly when there is no clipboard, and points at --print', async () => {
    const r = await sb.run(['keys', 'copy', keyId], { env: { DISPLAY: '', WAYLAND_DISPLAY: '' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: no clipboard is available here/m);
    expect(r.stderr).toContain(`octo keys copy ${keyId} --print`);
  });
});
