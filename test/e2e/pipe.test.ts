import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey } from '../../src/app/keys.js';
import { BIN, Sandbox } from '../helpers/cli.js';

/** `octo keys list --json | head`: a reader that goes away ends the output quietly, exit 0. */
describe('stdout whose reader goes away', () => {
  const sb = new Sandbox();
  beforeAll(() => {
    const ctx = new AppContext(sb.env);
    for (let i = 0; i < 3000; i++) createKey(ctx, { kind: 'bearer', name: `key ${i}` });
    ctx.close();
  });
  afterAll(() => sb.cleanup());

  it('stops writing without a stack when the pipe closes early', async () => {
    const child = spawn(process.execPath, [BIN, 'keys', 'list', '--json'], { env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // Read one chunk (more than a pipe buffer is coming), then close our end, as `head` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
