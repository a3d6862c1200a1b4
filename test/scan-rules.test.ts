import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KEY_SCAN_PATTERN_SOURCE } from '../src/core/find-keys.js';
import { generateKey, PREFIXES } from '../src/core/key-format.js';
import { runOcto } from './helpers/cli.js';

/**
 * The rule files shipped in docs/secret-scanning/ must find what `octo keys scan` finds (every
 * prefix of SPEC §3) and not what it does not. secretlint is run for real; gitleaks cannot be
 * installed here, so its TOML regexes are read and run as JavaScript RegExps, which is faithful
 * for these patterns (literals, a character class, a count and \b mean the same in Go's RE2).
 */
const ROOT = resolve(import.meta.dirname, '..');
const DOCS = join(ROOT, 'docs/secret-scanning');
const SECRETLINT = join(ROOT, 'node_modules/.bin/secretlint');

const keys = PREFIXES.map((p) => ({ prefix: p.prefix, key: generateKey(p.prefix) }));
const live = keys.find((k) => k.prefix === 'oct_live_')!.key;
const NEAR_MISSES: [string, string][] = [
  ['inside a longer token', 'X' + live],
  ['followed by more characters', live + 'Zq'],
  ['one character short', live.slice(0, -1)],
  ['an unknown prefix', 'oct_prod_' + live.slice(9)],
  ['a prefix alone', 'oct_live_ octo_ws_'],
];

/** A key of the right shape whose checksum fails: what the README warns against as a placeholder. */
const badChecksum = live.slice(0, -1) + (live.endsWith('A') ? 'B' : 'A');

/** The placeholders the README advises, read from its paragraph so that the advice is what is tested. */
function advisedPlaceholders(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const paragraph = /^A placeholder in documentation[^]*?(?=\n\n)/m.exec(readme)![0];
  const spans = [...paragraph.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  return spans.filter((span) => !span.startsWith('octo '));
}
const PLACEHOLDERS = advisedPlaceholders();

interface GitleaksRule {
  id: string;
  regex: string;
  keywords: string[];
  entropy: number;
}

/** The `[[rules]]` tables of our TOML: enough of TOML for the file we ship (checked below). */
function gitleaksRules(): GitleaksRule[] {
  const text = readFileSync(join(DOCS, 'gitleaks.toml'), 'utf8');
  return text.split(/^\[\[rules\]\]$/m).slice(1).map((block) => ({
    id: /^id = "([^"]+)"$/m.exec(block)![1]!,
    regex: /^regex = '''(.+)'''$/m.exec(block)![1]!,
    keywords: JSON.parse(/^keywords = (\[.*\])$/m.exec(block)![1]!) as string[],
    entropy: Number(/^entropy = ([0-9.]+)$/m.exec(block)![1]),
  }));
}

/** Shannon entropy in bits per character, as gitleaks computes it over the match. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

describe('gitleaks.toml', () => {
  const rules = gitleaksRules();
  const matching = (text: string) => rules.filter((r) => new RegExp(r.regex).test(text) && r.keywords.some((k) => text.includes(k)));

  it('has one rule per prefix, each spelling the pattern octo keys scan uses', () => {
    expect(rules.map((r) => r.keywords)).toEqual(PREFIXES.map((p) => [p.prefix]));
    const union = rules.map((r) => r.regex.replace(/^\\b/, '').replace(/\[0-9A-Za-z\]\{38\}\\b$/, ''));
    expect(union).toEqual(PREFIXES.map((p) => p.prefix));
    expect(KEY_SCAN_PATTERN_SOURCE).toBe('\\b(?:octo_(?:ws|ch|wa|wh)_|oct_(?:live|test)_)[0-9A-Za-z]{38}\\b');
  });

  it.each(keys)('finds a $prefix key with exactly one rule', ({ key }) => {
    expect(matching(`export KEY="${key}"`)).toHaveLength(1);
  });

  it.each(NEAR_MISSES)('does not find %s', (_name, text) => expect(matching(text)).toEqual([]));

  it.each(PLACEHOLDERS)('does not find the README\'s placeholder %s', (text) => {
    expect(matching(`export KEY="${text}"`)).toEqual([]);
  });

  it('finds a made-up key of full length that looks random, checksum or not', () => {
    expect(matching(badChecksum).filter((r) => entropy(badChecksum) > r.entropy)).toHaveLength(1);
  });

  it('keeps generated keys above the entropy floor and placeholders below it', () => {
    const floor = Math.max(...rules.map((r) => r.entropy));
    const lowest = Math.min(...Array.from({ length: 500 }, () => entropy(generateKey('oct_live_'))));
    expect(lowest).toBeGreaterThan(floor + 0.5);
    expect(entropy('oct_live_' + 'x'.repeat(38))).toBeLessThan(floor);
  });
});

describe('.secretlintrc.json, run by the real secretlint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octo-secretlint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function secretlint(files: Record<string, string>) {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const r = spawnSync(SECRETLINT, ['--secretlintrc', join(DOCS, '.secretlintrc.json'), '--format', 'json', ...Object.keys(files)], {
      cwd: dir, encoding: 'utf8', timeout: 60_000,
    });
    const report = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; loc: { start: { line: number } } }[] }[];
    return { code: r.status, byFile: new Map(report.map((f) => [f.filePath.slice(dir.length + 1), f.messages])) };
  }

  it('finds a key of every prefix, and none of the near misses', () => {
    const files: Record<string, string> = {};
    for (const { prefix, key } of keys) files[`${prefix}.env`] = `# config\nAPI_KEY=${key}\n`;
    NEAR_MISSES.forEach(([, text], i) => (files[`near-${i}.txt`] = `value: ${text}\n`));
    const { code, byFile } = secretlint(files);
    expect(code).toBe(1);
    for (const { prefix } of keys) {
      expect(byFile.get(`${prefix}.env`), prefix).toEqual([
        expect.objectContaining({ ruleId: '@secretlint/secretlint-rule-pattern', loc: expect.objectContaining({ start: expect.objectContaining({ line: 2 }) }) }),
      ]);
    }
    NEAR_MISSES.forEach(([name], i) => expect(byFile.get(`near-${i}.txt`), name).toEqual([]));
  });

  it('finds a made-up key of full length whose checksum fails (it cannot check the checksum)', () => {
    const { code, byFile } = secretlint({ 'made-up.md': `KEY=${badChecksum}\n` });
    expect(code).toBe(1);
    expect(byFile.get('made-up.md')).toHaveLength(1);
  });

  it('passes the placeholders the README advises', () => {
    expect(PLACEHOLDERS.length).toBeGreaterThanOrEqual(3);
    const { code, byFile } = secretlint({ 'placeholders.md': PLACEHOLDERS.map((p) => `KEY=${p}\n`).join('') });
    expect(byFile.get('placeholders.md')).toEqual([]);
    expect(code).toBe(0);
  });

  it('masks what it finds in its default report, as the README says', () => {
    const file = join(dir, 'masked.env');
    writeFileSync(file, `API_KEY=${live}\n`);
    const r = spawnSync(SECRETLINT, ['--secretlintrc', join(DOCS, '.secretlintrc.json'), '--no-color', 'masked.env'], {
      cwd: dir, encoding: 'utf8', timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('masked.env');
    expect(r.stdout + r.stderr).not.toContain(live.slice(9));
  });

  it('passes a clean file (exit 0)', () => {
    const { code, byFile } = secretlint({ 'clean.txt': 'octopus oct_live_ nothing to see\n' });
    expect(code).toBe(0);
    expect(byFile.get('clean.txt')).toEqual([]);
  });
});

describe('octo keys scan on the same placeholders', () => {
  it('reports neither the README\'s placeholders nor a made-up key whose checksum fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'octo-placeholders-'));
    try {
      writeFileSync(join(dir, 'doc.md'), [...PLACEHOLDERS, badChecksum].map((p) => `KEY=${p}\n`).join(''));
      const r = await runOcto(['keys', 'scan', 'doc.md', '--json', '--fail-on-unknown'], {
        // The default keystore, not created yet, reads as empty (one named by OCTO_DB must exist).
        cwd: dir, env: { ...withoutOctoDb(process.env), XDG_DATA_HOME: dir },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ findings: [], scanned: { files: 1 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function withoutOctoDb(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { OCTO_DB: _, ...rest } = env;
  return rest;
}
