import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, Sandbox } from '../helpers/cli.js';

describe('help', () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  it.each([[[]], [['keys']], [['workspaces']], [['wabas']], [['channels']], [['scopes']], [['webhooks']]])(
    'octo %j alone prints its help on stdout, exit 0',
    async (args: string[]) => {
      const r = await sb.run(args);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: octo ${args.length ? args[0] + ' ' : ''}\\[options\\] \\[command\\]\\n`));
      expect(r.stdout).toContain('Commands:');
      expect(r.stdout).toEqual((await sb.run([...args, '--help'])).stdout);
    },
  );

  it('`octo help keys create` and `octo keys help create` show the help of `keys create`', async () => {
    const direct = await sb.run(['keys', 'create', '--help']);
    expect(direct.stdout).toMatch(/^Usage: octo keys create \[options\] \[kind\]\n/);
    for (const args of [['help', 'keys', 'create'], ['keys', 'help', 'create']]) {
      const r = await sb.run(args);
      expect(r).toMatchObject({ code: 0, stderr: '', stdout: direct.stdout });
    }
    const group = await sb.run(['help', 'webhooks']);
    expect(group).toMatchObject({ code: 0, stdout: (await sb.run(['webhooks', '--help'])).stdout });
    expect((await sb.run(['help'])).stdout).toBe((await sb.run(['--help'])).stdout);
  });

  it('`octo help` with a command that does not exist is a usage error naming it', async () => {
    const r = await sb.run(['help', 'keys', 'crate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("error: unknown command 'keys crate'\nhint: see `octo keys --help` for the commands\n");
    const j = await sb.run(['help', 'nope', '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stderr)).toEqual({ error: { code: 'usage', message: "unknown command 'nope'", hint: 'see `octo --help` for the commands' } });
  });

  it('lists the help command with an example', async () => {
    expect((await sb.run(['--help'])).stdout).toMatch(/help \[command\.\.\.\]\s+show the help of a command, e\.g\. `octo help keys create`/);
  });

  it('ends quietly when the reader of the help goes away', async () => {
    const child = spawn(process.execPath, [BIN, 'keys', 'create', '--help'], { env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before octo has started, so every write it makes meets a closed pipe (EPIPE).
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('--version', () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  it('prints the version, and {"version": …} with --json (either order)', async () => {
    const plain = await sb.run(['--version']);
    expect(plain).toMatchObject({ code: 0, stderr: '' });
    const version = plain.stdout.trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await sb.run(['-V'])).stdout).toBe(`${version}\n`);
    for (const args of [['--version', '--json'], ['--json', '--version']]) {
      const r = await sb.run(args);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(r.stdout)).toEqual({ version });
    }
  });
});
