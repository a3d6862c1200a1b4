// Bundles dist/main.js (tsc's output) into one CommonJS file, dist/bundle/main.cjs, which
// bin/octo.js (CommonJS too, so node never starts its ESM loader) loads with `require`.
// `octo keys verify` runs in CI loops and its start-up is measured against a bare
// `require('better-sqlite3')` (SPEC §10); measured with alternated runs:
// - ~40 modules through node's ESM loader (each resolved, read, compiled and linked on its own)
//   cost about 10 ms; an ESM bundle split per command group still loaded 13 files;
// - one CommonJS file is read and compiled once, and V8 compiles a function only when it first
//   runs, so the code of the commands not run costs next to nothing; ESM's per-module work and
//   the ESM views of node's built-ins (`import … from 'node:fs'` made node load its streams,
//   ~2 ms) go away: 1.33 → 1.26 × the floor for `keys verify`, and 1.21 → 1.15 once bin/octo.js
//   was CommonJS as well. (Minifying the bundle was measured too: no difference.)
// The command groups stay lazy: esbuild turns each `await import('./cli/…')` into code that runs
// on first use, and packages stay external (`import()` of chalk, prompts and clipboardy, which are
// ESM-only, is kept as a real dynamic import).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [new URL('../dist/main.js', import.meta.url).pathname],
  outfile: `${outdir}main.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: Object.keys(pkg.dependencies),
  // import.meta does not exist in CommonJS: the bundle's own URL stands in (it sits in dist/bundle/,
  // as tsc's output sits in dist/<dir>/, so relative paths such as ../../package.json still hold).
  banner: { js: "const __bundle_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__bundle_url' },
  logLevel: 'warning',
});
