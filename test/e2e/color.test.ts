import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInPty, Sandbox } from '../helpers/cli.js';

const ANSI = /\u001b\[[0-9;]*m/;

/** FORCE_COLOR for CI logs that render colour; NO_COLOR and --no-color still win (README, Environment). */
describe('FORCE_COLOR', () => {
  const sb = new Sandbox();
  beforeAll(() => sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']));
  afterAll(() => sb.cleanup());

  it('colours output that is not a terminal, stdout and stderr', async () => {
    const table = await sb.run(['workspaces', 'list'], { env: { FORCE_COLOR: '1' } });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(ANSI);
    expect(table.stdout).toContain('No API key generated');
    const message = await sb.run(['keys', 'create', 'workspace', '--workspace', 'acme'], { env: { FORCE_COLOR: '3' } });
    expect(message.code).toBe(0);
    expect(message.stderr).toMatch(ANSI);
    // The key itself is data, printed as it is.
    expect(message.stdout).toMatch(/^octo_ws_[0-9A-Za-z]{38}\n$/);
  });

  it('is overruled by NO_COLOR and --no-color, and never paints --json', async () => {
    for (const [args, env] of [
      [['workspaces', 'list'], { FORCE_COLOR: '1', NO_COLOR: '1' }],
      [['workspaces', 'list', '--no-color'], { FORCE_COLOR: '1' }],
      [['workspaces', 'list', '--json'], { FORCE_COLOR: '3' }],
      [['keys', 'show', 'key_nope', '--json'], { FORCE_COLOR: '3' }],
      [['workspaces', 'list'], { FORCE_COLOR: '0' }],
    ] as const) {
      const r = await sb.run([...args], { env });
      expect(r.stdout + r.stderr, `${args.join(' ')} ${JSON.stringify(env)}`).not.toMatch(ANSI);
    }
  });

  it('FORCE_COLOR=0 turns colour off on a terminal too', async () => {
    expect((await runInPty(sb, ['workspaces', 'list'], [])).output).toMatch(ANSI);
    const off = await runInPty(sb, ['workspaces', 'list'], [], { FORCE_COLOR: '0' });
    expect(off.code).toBe(0);
    expect(off.output).toContain('Acme');
    expect(off.output).not.toMatch(ANSI);
  });
});
