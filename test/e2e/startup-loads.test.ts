import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, Sandbox } from '../helpers/cli.js';

/**
 * `octo keys verify` runs in CI loops and its start-up is measured against a bare
 * `require('better-sqlite3')` (SPEC §10; `npm run bench`). What it loads is what it pays for, so
 * this pins it down: of the packages only better-sqlite3 (and the two it loads its binary with),
 * and none of node's modules that only other commands need. A file keystore: a PostgreSQL one loads
 * its driver by design (this file is not in vitest.config.ts's list for the postgres project).
 */
describe('what `octo keys verify` loads', () => {
  const sandbox = new Sandbox();
  afterAll(() => sandbox.cleanup());

  it('no package but better-sqlite3, no worker threads, no HTTP', async () => {
    await sandbox.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    const { secret } = await sandbox.json<{ secret: string }>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    const report = join(sandbox.dir, 'loaded.json');
    const preload = join(sandbox.dir, 'report-loads.cjs');
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify({
      packages: [...new Set(Object.keys(require.cache).map((f) => /node_modules[\\\\/]([^\\\\/]+)/.exec(f)?.[1]).filter(Boolean))].sort(),
      builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ') && !m.includes('internal/')).map((m) => m.slice(13)),
    })));\n`);

    const out = execFileSync(process.execPath, ['-r', preload, BIN, 'keys', 'verify', secret, '--json'], { env: sandbox.env, encoding: 'utf8' });

    expect(JSON.parse(out)).toMatchObject({ valid: true });
    const loaded = JSON.parse(readFileSync(report, 'utf8')) as { packages: string[]; builtins: string[] };
    expect(loaded.packages).toEqual(['better-sqlite3', 'bindings', 'file-uri-to-path']);
    for (const heavy of ['worker_threads', 'http', 'https', 'child_process', 'zlib', 'readline']) expect(loaded.builtins).not.toContain(heavy);
  });
});
