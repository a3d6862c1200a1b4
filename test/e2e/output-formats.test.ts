import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';
import { stageKeystore } from '../helpers/keystore.js';

/**
 * Output control on every listing: `--format table|json|tsv|csv`, `-q/--quiet`, and on `keys list`
 * `--name`, `--sort` and `--limit`; `audit` newest first with `--limit`. Run off a terminal, as a
 * script runs them.
 */

interface KeyObject { id: string; name: string | null; subject: { name: string } | null; created_at: string; expires_at: string | null; last_used_at: string | null; masked: string }

let sb: Sandbox;
let webhookId: string;
// A name a spreadsheet would run as a formula, with a comma and a quote that CSV must quote.
const FORMULA_NAME = '=HYPERLINK("x"), ok';

const LISTINGS: string[][] = [
  ['keys', 'list'], ['workspaces', 'list'], ['wabas', 'list'], ['channels', 'list'], ['scopes', 'list'], ['audit'], ['webhooks', 'list'],
];

beforeAll(async () => {
  sb = new Sandbox();
  await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
  await sb.json(['workspaces', 'add', 'Beta', '--platform', 'hubspot', '--id', 'beta']);
  await sb.json(['wabas', 'add', 'Acme WABA', '--workspace', 'acme', '--id', 'acme-waba']);
  await sb.json(['channels', 'add', 'Support line', '--workspace', 'acme', '--type', 'sms', '--id', 'sms1']);
  await sb.json(['keys', 'create', 'workspace', '--workspace', 'acme']);
  await sb.json(['keys', 'create', 'bearer', '--name', 'CI deploy', '--expires-in', '2d']);
  await sb.json(['keys', 'create', 'bearer', '--name', FORMULA_NAME, '--expires-in', '1d']);
  await sb.json(['keys', 'create', 'bearer', '--name', 'ci-100%']);
  await sb.json(['keys', 'create', 'channel', '--channel', 'sms1']);
  webhookId = (await sb.json<{ webhook: { id: string } }>(['webhooks', 'add', 'http://127.0.0.1:9/hook'])).webhook.id;
});
afterAll(() => sb.cleanup());

const keys = async (...args: string[]) => (await sb.json<{ keys: KeyObject[] }>(['keys', 'list', ...args])).keys;

describe('--format json is --json', () => {
  it.each([...LISTINGS, ['webhooks', 'deliveries', 'WH']])('octo %s %s: byte for byte', async (...args) => {
    const argv = args.map((a) => (a === 'WH' ? webhookId : a));
    const json = await sb.run([...argv, '--json']);
    expect(json.code).toBe(0);
    for (const form of [['--format', 'json'], ['--format=json']]) {
      const r = await sb.run([...argv, ...form]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(json.stdout);
      expect(r.stderr).toBe('');
    }
  });

  it('errors are JSON too, on stderr, even when the command line does not parse', async () => {
    for (const argv of [['keys', 'list', '--kind', 'nope', '--format', 'json'], ['keys', 'list', '--format', 'json', '--bogus']]) {
      const r = await sb.run(argv);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(JSON.parse(r.stderr).error.code).toBe('usage');
    }
  });
});

describe('--format table, tsv, csv', () => {
  it('an unknown format is a usage error that lists the valid ones', async () => {
    const r = await sb.run(['keys', 'list', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('invalid --format "xml"');
    expect(r.stderr).toContain('table, json, tsv, csv');
    const j = await sb.run(['keys', 'list', '--format', 'xml', '--json']);
    expect(JSON.parse(j.stderr).error).toMatchObject({ code: 'usage', message: 'invalid --format "xml"' });
  });

  it('--json with another format, or --quiet with a format, is a usage error', async () => {
    for (const argv of [['--json', '--format', 'csv'], ['-q', '--format', 'tsv'], ['--quiet', '--json']]) {
      const r = await sb.run(['keys', 'list', ...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
  });

  it('table draws the table off a terminal too, fitted to $COLUMNS, else 80', async () => {
    for (const [columns, width] of [[undefined, 80], ['100', 100], ['200', 200]] as const) {
      const r = await sb.run(['keys', 'list', '--format', 'table'], { env: { COLUMNS: columns } });
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^┌─/);
      expect(lines.at(-1)).toMatch(/^└─/);
      for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(width);
      for (const k of await keys()) expect(r.stdout).toContain(k.id);
    }
  });

  it('tsv is what a pipe gets without --format', async () => {
    for (const argv of LISTINGS) {
      const plain = await sb.run(argv);
      const tsv = await sb.run([...argv, '--format', 'tsv']);
      expect(tsv.code).toBe(0);
      expect(tsv.stdout).toBe(plain.stdout);
      expect(tsv.stdout.split('\n')[0]).toContain('\t');
    }
  });

  it('csv is RFC 4180 (CRLF, quoted fields), with formulas neutralised, and holds what --json holds', async () => {
    const r = await sb.run(['keys', 'list', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith('\r\n')).toBe(true);
    expect(r.stdout.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    expect(r.stdout).not.toMatch(/\x1b/);
    const [head, ...rows] = parseCsv(r.stdout);
    expect(head).toEqual(['ID', 'LABEL', 'NAME / SUBJECT', 'ENV', 'STATUS', 'KEY', 'SCOPES', 'CREATED', 'LAST USED']);
    const listed = await keys();
    expect(rows.map((row) => row[0])).toEqual(listed.map((k) => k.id));
    expect(rows.map((row) => row[5])).toEqual(listed.map((k) => k.masked));
    // The name a spreadsheet would run is text: a quote in front, the rest as it is.
    expect(rows.map((row) => row[2])).toContain(`'${FORMULA_NAME}`);
    expect(r.stdout).toContain(`"'=HYPERLINK(""x""), ok"`);
  });

  it('csv takes no colour, even when FORCE_COLOR asks for it', async () => {
    const r = await sb.run(['keys', 'list', '--format', 'csv'], { env: { FORCE_COLOR: '1' } });
    expect(r.stdout).not.toMatch(/\x1b/);
    expect(parseCsv(r.stdout)[1]![4]).toBe('active');
  });

  it('every listing takes every format', async () => {
    for (const argv of [...LISTINGS, ['webhooks', 'deliveries', webhookId]]) {
      for (const format of ['table', 'tsv', 'csv']) {
        const r = await sb.run([...argv, '--format', format]);
        expect(r.code, `${argv.join(' ')} --format ${format}: ${r.stderr}`).toBe(0);
      }
    }
  });
});

describe('-q/--quiet: the ids, one per line, nothing else', () => {
  it.each([
    [['keys', 'list'], 'keys', 'id'],
    [['workspaces', 'list'], 'workspaces', 'id'],
    [['wabas', 'list'], 'wabas', 'id'],
    [['channels', 'list'], 'channels', 'id'],
    [['webhooks', 'list'], 'webhooks', 'id'],
    [['scopes', 'list'], 'scopes', 'scope'],
  ])('octo %s', async (argv, doc, field) => {
    const listed = (await sb.json<Record<string, Record<string, string>[]>>(argv))[doc]!.map((item) => item[field]);
    for (const flag of ['-q', '--quiet']) {
      const r = await sb.run([...argv, flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(listed.map((id) => id + '\n').join(''));
      expect(r.stderr).toBe('');
    }
  });

  it('an empty listing prints nothing at all, and an error is still on stderr', async () => {
    const r = await sb.run(['keys', 'list', '--name', 'no such key', '-q']);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const bad = await sb.run(['keys', 'list', '--kind', 'nope', '-q']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('invalid --kind');
  });

  it('honours the filters, order and limit of keys list', async () => {
    const expected = (await keys('--sort', '-created', '--limit', '2')).map((k) => k.id);
    const r = await sb.run(['keys', 'list', '--sort', '-created', '--limit', '2', '-q']);
    expect(r.stdout.trimEnd().split('\n')).toEqual(expected);
    expect(expected).toHaveLength(2);
  });
});

describe('keys list --name, --sort, --limit', () => {
  it('--name is a part of the name or of the subject\'s name, case ignored, wildcards taken literally', async () => {
    const names = async (text: string) => (await keys('--name', text)).map((k) => k.name ?? k.subject!.name);
    expect(await names('ci')).toEqual(['CI deploy', 'ci-100%']);
    expect(await names('ACME')).toEqual(['Acme']);
    expect(await names('support')).toEqual(['Support line']);
    expect(await names('100%')).toEqual(['ci-100%']);
    expect(await names('0%')).toEqual(['ci-100%']);
    expect(await names('_')).toEqual([]);
  });

  it('the default order is the oldest first; --sort -created is the newest first', async () => {
    const all = await keys();
    const created = all.map((k) => k.created_at);
    expect(created).toEqual([...created].sort());
    expect((await keys('--sort', 'created')).map((k) => k.id)).toEqual(all.map((k) => k.id));
    expect((await keys('--sort', '-created')).map((k) => k.id)).toEqual(all.map((k) => k.id).reverse());
    expect((await keys('--sort=-created')).map((k) => k.id)).toEqual(all.map((k) => k.id).reverse());
  });

  it('--sort name: a bearer key\'s name or the subject\'s, case ignored', async () => {
    const shown = (list: KeyObject[]) => list.map((k) => k.name ?? k.subject!.name);
    const byName = ['Acme', 'CI deploy', 'ci-100%', 'Support line', FORMULA_NAME].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en'));
    const ascending = shown(await keys('--sort', 'name'));
    expect(ascending.map((n) => n.toLowerCase())).toEqual([...ascending].map((n) => n.toLowerCase()).sort());
    expect(new Set(ascending)).toEqual(new Set(byName));
    expect(shown(await keys('--sort', '-name'))).toEqual([...ascending].reverse());
  });

  it('--sort expires: the soonest first, keys that never expire last (and first reversed)', async () => {
    const expiring = await keys('--sort', 'expires');
    expect(expiring.slice(0, 2).map((k) => k.name)).toEqual([FORMULA_NAME, 'CI deploy']);
    expect(expiring.slice(2).every((k) => k.expires_at === null)).toBe(true);
    const reversed = await keys('--sort', '-expires');
    expect(reversed.slice(-2).map((k) => k.name)).toEqual(['CI deploy', FORMULA_NAME]);
  });

  it('--sort last-used: the longest unused first (never used before any use); reversed, the latest use first', async () => {
    const all = await keys();
    stageKeystore(sb.db, 'UPDATE keys SET last_used_at = ? WHERE id = ?', Date.now() - 60_000, all[0]!.id);
    stageKeystore(sb.db, 'UPDATE keys SET last_used_at = ? WHERE id = ?', Date.now(), all[1]!.id);
    const ascending = (await keys('--sort', 'last-used')).map((k) => k.id);
    expect(ascending.slice(-2)).toEqual([all[0]!.id, all[1]!.id]);
    const descending = (await keys('--sort', '-last-used')).map((k) => k.id);
    expect(descending.slice(0, 2)).toEqual([all[1]!.id, all[0]!.id]);
  });

  it('--limit keeps the first N of the order, after the filters (a derived status included)', async () => {
    const all = await keys();
    expect((await keys('--limit', '2')).map((k) => k.id)).toEqual(all.slice(0, 2).map((k) => k.id));
    expect((await keys('--limit', '100')).length).toBe(all.length);
    const active = await keys('--status', 'active', '--kind', 'bearer', '--limit', '2');
    expect(active.map((k) => k.name)).toEqual(['CI deploy', FORMULA_NAME]);
  });

  it.each([
    [['--limit', '0'], 'invalid --limit "0"'],
    [['--limit', '-3'], 'invalid --limit "-3"'],
    [['--limit', '2.5'], 'invalid --limit "2.5"'],
    [['--sort', 'size'], 'invalid --sort "size"'],
    [['--sort', '--created'], 'invalid --sort "--created"'],
  ])('%j is a usage error', async (argv, message) => {
    const r = await sb.run(['keys', 'list', ...argv]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('--help shows them, with the formats', async () => {
    const r = await sb.run(['keys', 'list', '--help']);
    for (const flag of ['--name <text>', '--sort <field>', '--limit <n>', '--format <format>', '-q, --quiet']) expect(r.stdout).toContain(flag);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('"table", "json", "tsv", "csv"');
  });
});

describe('audit: newest first, --limit', () => {
  it('lists the newest event first, and --limit N the newest N', async () => {
    const { events } = await sb.json<{ events: { at: string; action: string }[] }>(['audit']);
    const at = events.map((e) => e.at);
    expect(at).toEqual([...at].sort().reverse());
    expect(events[0]!.action).toBe('webhook.add');
    expect(events.at(-1)!.action).toBe('workspace.add');
    const limited = await sb.json<{ events: unknown[] }>(['audit', '--limit', '3']);
    expect(limited.events).toEqual(events.slice(0, 3));
    const tsv = await sb.run(['audit', '--limit', '1']);
    expect(tsv.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(tsv.stdout).toContain('webhook.add');
  });

  it('--limit 0 is a usage error; audit has no --quiet (an event has no id to pass on)', async () => {
    expect((await sb.run(['audit', '--limit', '0'])).code).toBe(2);
    expect((await sb.run(['audit', '-q'])).code).toBe(2);
  });
});

/** RFC 4180, as a spreadsheet reads it: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else field += ch;
  }
  return rows;
}
