import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, Sandbox } from '../helpers/cli.js';

/**
 * `octo keys scan --staged` in a real git repository: what is staged is scanned, not what the work
 * tree holds; and the pre-commit hook the README shows really blocks a commit that leaks a key.
 */
interface Finding { file: string; line: number; status: string; key_id: string | null }

const sb = new Sandbox();
const repo = join(sb.dir, 'repo');
let key: { id: string; masked: string };
let secret: string;

function git(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { cwd: repo, env: { ...sb.env, GIT_CEILING_DIRECTORIES: sb.dir }, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function mustGit(...args: string[]): string {
  const r = git(...args);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  ({ key, secret } = await sb.json<{ key: { id: string; masked: string }; secret: string }>(['keys', 'create', 'bearer', '--name', 'ci']));
  mkdirSync(join(repo, 'sub'), { recursive: true });
  mustGit('init', '-q');
  mustGit('config', 'user.name', 'Tester');
  mustGit('config', 'user.email', 'tester@example.com');
  writeFileSync(join(repo, 'README.md'), '# app\n');
  mustGit('add', 'README.md');
  mustGit('commit', '-q', '-m', 'init');
});

afterAll(() => sb.cleanup());

const scanStaged = (cwd = repo, extra: string[] = []) => sb.run(['keys', 'scan', '--staged', '--json', ...extra], { cwd, env: { GIT_CEILING_DIRECTORIES: sb.dir } });

describe('octo keys scan --staged', () => {
  it('scans the staged blob, not the work tree, and ignores what is not staged', async () => {
    writeFileSync(join(repo, 'leak.env'), `# settings\nAPI_KEY=${secret}\n`);
    mustGit('add', 'leak.env');
    writeFileSync(join(repo, 'leak.env'), '# settings, key removed but not staged\n');
    writeFileSync(join(repo, 'untracked.txt'), secret);
    const r = await scanStaged();
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(secret);
    const { findings } = JSON.parse(r.stdout) as { findings: Finding[] };
    expect(findings).toEqual([expect.objectContaining({ file: 'leak.env', line: 2, column: 9, status: 'active', key_id: key.id, masked: key.masked })]);
  });

  it('names files relative to the folder it runs in, and takes paths to narrow the scan', async () => {
    const fromSub = JSON.parse((await scanStaged(join(repo, 'sub'))).stdout) as { findings: Finding[] };
    expect(fromSub.findings.map((f) => f.file)).toEqual(['../leak.env']);
    const narrowed = await scanStaged(repo, ['README.md']);
    expect(narrowed.code).toBe(0);
    expect(JSON.parse(narrowed.stdout)).toMatchObject({ findings: [] });
  });

  it('blocks a commit from the pre-commit hook, and lets a clean one through', async () => {
    const hook = join(repo, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" keys scan --staged\n`);
    chmodSync(hook, 0o755);
    const blocked = git('commit', '-q', '-m', 'leak');
    expect(blocked.status).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain(key.masked);
    expect(blocked.stdout + blocked.stderr).not.toContain(secret);
    expect(mustGit('rev-list', '--count', 'HEAD').trim()).toBe('1');

    mustGit('add', 'leak.env'); // the work tree's version, without the key
    const clean = git('commit', '-q', '-m', 'settings');
    expect(clean.status, clean.stderr).toBe(0);
    expect(mustGit('rev-list', '--count', 'HEAD').trim()).toBe('2');
  });

  it('exits 0 with nothing staged', async () => {
    const r = await scanStaged();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ findings: [], scanned: { files: 0 } });
  });

  it('refuses outside a git repository (exit 2)', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'octo-nogit-'));
    try {
      const r = await sb.run(['keys', 'scan', '--staged', '--json'], { cwd: elsewhere, env: { GIT_CEILING_DIRECTORIES: tmpdir() } });
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'not_a_git_repository', hint: expect.stringContaining('octo keys scan .') } });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
