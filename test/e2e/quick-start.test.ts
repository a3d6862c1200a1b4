import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';
import { freePort, pathWithOcto, runScript, shellBlock } from '../helpers/readme.js';

/**
 * The README's Quick start is run as written, in bash with `set -euo pipefail`, against a
 * temporary keystore, with `octo` on PATH as a newcomer would have it after `npm link`. Only the
 * port differs: the block reads it from $PORT, so the test takes a free one rather than 8787.
 */
describe('README Quick start', () => {
  const sandbox = new Sandbox();
  afterAll(() => sandbox.cleanup());

  it('runs as pasted: exit 0, the SMS message accepted (202), the bearer call 200, serve stopped', async () => {
    const port = await freePort();
    const env = { ...sandbox.env, PORT: String(port), PATH: pathWithOcto(sandbox.dir) };

    const r = await runScript('bash', `set -euo pipefail\n${shellBlock('\n## Quick start\n')}`, sandbox.dir, env);

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
