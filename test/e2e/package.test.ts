import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';

/**
 * What `npm pack` ships is what a user installs: the tarball is made from this tree (with
 * --ignore-scripts, so `prepare` does not rebuild dist/ under the other tests' feet), unpacked,
 * given this tree's node_modules (its dependencies, which `npm install` would fetch), and run.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

let dir: string;
let files: string[];
let packedBin: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'octo-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [packed] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  files = packed!.files.map((f) => f.path).sort();
  execFileSync('tar', ['-xzf', join(dir, packed!.filename), '-C', dir]);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'package/node_modules'), 'dir');
  packedBin = join(dir, 'package/bin/octo.js');
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the npm package', () => {
  it('ships the entry, the bundle, the docs the README points to, the man page and the licence, and nothing else', () => {
    expect(files).toEqual([
      'LICENSE',
      'README.md',
      'bin/octo.js',
      'bin/package.json',
      'dist/bundle/main.cjs',
      'docs/examples/verify-webhook.mjs',
      'docs/secret-scanning/.secretlintrc.json',
      'docs/secret-scanning/gitleaks.toml',
      'man/octo.1',
      'package.json',
    ]);
  });

  it('carries the MIT licence that package.json names', () => {
    const license = readFileSync(join(dir, 'package/LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 octo contributors\n/);
    expect(JSON.parse(readFileSync(join(dir, 'package/package.json'), 'utf8'))).toMatchObject({ license: 'MIT' });
  });

  describe('run from the unpacked tarball', () => {
    const sandbox = new Sandbox();
    afterAll(() => sandbox.cleanup());
    const packedOcto = (...args: string[]) => spawnSync(process.execPath, [packedBin, ...args], {
      env: sandbox.env, encoding: 'utf8', timeout: 20_000,
    });

    it('octo --version prints the version of package.json', () => {
      const r = packedOcto('--version');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    });

    it('octo keys verify accepts a key the packed octo created', () => {
      const created = packedOcto('keys', 'create', 'bearer', '--name', 'CI', '--scope', 'posts:read', '--json');
      expect(created.status, created.stderr).toBe(0);
      const { secret, key } = JSON.parse(created.stdout) as { secret: string; key: { id: string } };
      const r = packedOcto('keys', 'verify', secret, '--endpoint', 'GET /v1/posts', '--json');
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, status: 200, key: { id: key.id } });
    });
  });
});
