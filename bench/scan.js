// Times `octo keys scan` over a generated tree of 100,000 files (1,000 folders of 100 files of
// about 1.5 KB of source-like text; a few hold keys, some folders are ignored or node_modules),
// and `grep -rE` over the same tree as a yardstick. Run after `npm run build`:
//   node bench/scan.js [FILES]
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateKey } from '../dist/core/key-format.js';

const FILES = Number(process.argv[2] ?? 100_000);
const PER_DIR = 100;
const BIN = resolve(import.meta.dirname, '../bin/octo.js');
const dir = mkdtempSync(join(tmpdir(), 'octo-bench-scan-'));
const tree = join(dir, 'tree');
const env = { ...process.env, OCTO_DB: join(dir, 'keystore.db'), OCTO_MASTER_KEY: randomBytes(32).toString('base64'), NO_COLOR: '1' };

try {
  const line = 'export function handler(req, res) { return res.json({ ok: true, octopus: "oct" }); } // padding text\n';
  const body = line.repeat(15);
  let planted = 0;
  const started = performance.now();
  for (let d = 0; d * PER_DIR < FILES; d++) {
    const folder = join(tree, `pkg${d % 10}`, `mod${d}`);
    mkdirSync(folder, { recursive: true });
    for (let f = 0; f < PER_DIR && d * PER_DIR + f < FILES; f++) {
      const leak = (d * PER_DIR + f) % 10_000 === 0;
      if (leak) planted++;
      writeFileSync(join(folder, `file${f}.js`), leak ? body + `const key = "${generateKey('oct_live_')}";\n` : body);
    }
  }
  writeFileSync(join(tree, '.gitignore'), 'dist/\n');
  console.log(`built ${FILES} files (${planted} with a key) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'keys', 'scan', tree, '--json'], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`octo keys scan exited ${r.status}: ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  if (report.findings.length !== planted) throw new Error(`found ${report.findings.length} keys, planted ${planted}`);
  console.log(`octo keys scan: ${report.scanned.files} files, ${(report.scanned.bytes / 1048576).toFixed(0)} MiB, ${report.findings.length} keys in ${seconds.toFixed(2)} s`);

  const g0 = performance.now();
  try {
    execFileSync('grep', ['-rlE', '(octo_(ws|ch|wa|wh)_|oct_(live|test)_)[0-9A-Za-z]{38}', tree], { maxBuffer: 1 << 26 });
  } catch { /* grep exits 1 when nothing matches */ }
  console.log(`grep -rlE over the same tree: ${((performance.now() - g0) / 1000).toFixed(2)} s (page cache warm for both)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
