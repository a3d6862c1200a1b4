import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeProgram } from '../../src/cli/command-spec.js';
import { allCommands } from '../../src/ui/command-spec.js';
import { manPage } from '../../src/ui/man-page.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PAGE = join(ROOT, 'man/octo.1');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; man: string; files: string[] };
const hasGroff = spawnSync('groff', ['--version'], { stdio: 'ignore' }).status === 0;

describe('the man page (man/octo.1, written by npm run build)', () => {
  it('is what the command tree renders to now: built from the same tree as --help', async () => {
    expect(readFileSync(PAGE, 'utf8')).toBe(manPage(await describeProgram(), pkg.version));
  });

  it('package.json ships it and points man at it', () => {
    expect(pkg.man).toBe('./man/octo.1');
    expect(pkg.files).toContain('man');
  });

  it.skipIf(!hasGroff)(`renders with groff -man without a warning, naming every command and option${hasGroff ? '' : ' (skipped: groff is not installed)'}`, async () => {
    const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-P-cbou', PAGE], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const text = r.stdout.replace(/\u2010\n\s*/g, '').replace(/\u2010/g, '-');
    expect(text).toMatch(/^OCTO\(1\)\s+User Commands\s+OCTO\(1\)/);
    for (const c of allCommands(await describeProgram()).filter((c) => c.path && !c.path.endsWith('help'))) {
      expect(text, c.path).toContain(`octo ${c.path}`);
      for (const o of c.options) expect(text, `${c.path} ${o.flags}`).toContain(o.long ?? o.short);
    }
  });

  it('is well-formed roff: a title, the sections of a man page, one subsection per command', async () => {
    const page = readFileSync(PAGE, 'utf8');
    expect(page).toMatch(/^\.TH OCTO 1 /);
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'COMMANDS', 'EXAMPLES', 'ENVIRONMENT', 'FILES']) {
      expect(page).toContain(`\n.SH ${section}\n`);
    }
    const leaves = allCommands(await describeProgram()).filter((c) => c.path && !c.path.endsWith('help'));
    expect(page.match(/^\.SS /gm)).toHaveLength(leaves.length);
    // Nothing beyond ASCII reaches groff raw, and no text line starts like a request.
    expect(page).toMatch(/^[\x00-\x7f]*$/);
  });
});
