// Writes man/octo.1 from the built command tree (dist/, tsc's output): the same tree that
// `octo --help` and `octo completion` read, so the page lists exactly the commands octo has.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describeProgram } from '../dist/cli/command-spec.js';
import { manPage } from '../dist/ui/man-page.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const dir = new URL('../man/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('octo.1', dir), manPage(await describeProgram(), version));
