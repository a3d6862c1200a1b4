// Bundles dist/main.js (tsc's output) into dist/bundle/, one ESM file per lazily loaded command
// group. Node's ESM loader resolves, reads and links every module file separately; for
// `octo keys verify`, whose start-up SPEC §10 measures, one file instead of ~40 saves about 10 ms.
// Packages stay external: they load (lazily) from node_modules as before.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [new URL('../dist/main.js', import.meta.url).pathname],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: Object.keys(pkg.dependencies),
  logLevel: 'warning',
});
