import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInPty, Sandbox } from '../helpers/cli.js';

/** Listings as people and programs see them: fitted tables on a terminal, tab-separated rows off one. */

let sb: Sandbox;
const LONG = 'Long name '.repeat(20); // 200 characters
const NAMES = ['👩‍💻 dev box', '🇯🇵 Tokyo', '漢字', 'ＡＢＣ', 'cafe\u0301', LONG.trim()];
const TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

interface KeyObject {
  id: string; label: string; name: string | null; subject: { name: string } | null; env: string | null; status: string;
  masked: string; scopes: string[] | null; kind: string; created_at: string; last_used_at: string | null;
}

beforeAll(async () => {
  sb = new Sandbox();
  await sb.json(['workspaces', 'add', LONG.trim(), '--platform', 'intercom', '--id', 'acme']);
  await sb.json(['keys', 'create', 'workspace', '--workspace', 'acme']);
  for (const name of NAMES) await sb.json(['keys', 'create', 'bearer', '--name', name, '--scope', 'posts:read']);
});
afterAll(() => sb.cleanup());

/** The table's lines as a terminal shows them (colour and terminal controls left out). */
function tableLines(output: string): string[] {
  return output.replace(ANSI, '').split(/\r?\n/).filter((l) => /^[┌│├└]/.test(l));
}

function borderColumns(line: string): number[] {
  const at: number[] = [];
  let column = 0;
  for (const { segment } of new Intl.Segmenter().segment(line)) {
    if ('│┌┬┐├┼┤└┴┘'.includes(segment)) at.push(column);
    column += stringWidth(segment);
  }
  return at;
}

describe('tables on a terminal', () => {
  it('keep every border of `keys list` in one display column, whatever the names hold', async () => {
    const r = await runInPty(sb, ['keys', 'list'], [], { COLUMNS: '400' });
    expect(r.code).toBe(0);
    const lines = tableLines(r.output);
    expect(lines.length).toBe(3 + 2 * (NAMES.length + 1));
    for (const line of lines) expect(borderColumns(line)).toEqual(borderColumns(lines[0]!));
    for (const name of NAMES) expect(lines.join('\n')).toContain(`│ ${name.trim()} `);
  });

  it.each([
    [['keys', 'list'], 'NAME / SUBJECT'],
    [['workspaces', 'list'], 'WORKSPACE'],
    [['audit'], 'ACTION'],
  ])('fit 80 columns: octo %j, a 200-character name cut with …', async (args, header) => {
    const r = await runInPty(sb, args, [], { COLUMNS: '80' });
    expect(r.code).toBe(0);
    const lines = tableLines(r.output);
    expect(lines.join('\n')).toContain(header.split(' ')[0]);
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(80);
    for (const line of lines) expect(borderColumns(line)).toEqual(borderColumns(lines[0]!));
    if (args[0] !== 'audit') expect(lines.some((l) => /│ (Long name )+Long…? *│/.test(l) || /│ Long name[^│]*… *│/.test(l))).toBe(true);
  });

  it('say which columns were left out to fit a narrow terminal', async () => {
    const r = await runInPty(sb, ['keys', 'list'], [], { COLUMNS: '80' });
    expect(r.output).toContain('not shown: the table does not fit 80 columns (--json has every field)');
    expect(tableLines(r.output)[1]).toMatch(/^│ ID +│ NAME \/ SUBJECT +│ STATUS +│ KEY +│ LAST USED +│$/);
  });
});

describe('tables off a terminal', () => {
  it('`keys list` piped: a header row and one tab-separated row per key, exactly', async () => {
    const { keys } = await sb.json<{ keys: KeyObject[] }>(['keys', 'list']);
    const r = await sb.run(['keys', 'list']);
    expect(r.code).toBe(0);
    const time = (iso: string | null) => (iso === null ? 'never' : iso.replace('T', ' ').slice(0, 19) + ' UTC');
    expect(r.stdout).toBe([
      'ID\tLABEL\tNAME / SUBJECT\tENV\tSTATUS\tKEY\tSCOPES\tCREATED\tLAST USED',
      ...keys.map((k) => [
        k.id, k.label, k.name ?? k.subject!.name, k.env ?? '—', k.status, k.masked,
        k.kind === 'bearer' ? (k.scopes ?? ['full access']).join(', ') : '—', time(k.created_at), time(k.last_used_at),
      ].join('\t')),
      '',
    ].join('\n'));
    expect(r.stdout).not.toMatch(/[│┌─]/);
  });

  it('`audit` piped: times in the one human form, tab-separated', async () => {
    const r = await sb.run(['audit']);
    const [head, ...rows] = r.stdout.trimEnd().split('\n');
    expect(head).toBe('TIME\tACTOR\tACTION\tKEY\tSUBJECT\tDETAIL');
    expect(rows).toHaveLength(2 + NAMES.length);
    for (const row of rows) expect(row.split('\t')[0]).toMatch(TIME);
  });
});

describe('times in human output', () => {
  it('keys show, rotate and verify write times as `YYYY-MM-DD HH:MM:SS UTC`', async () => {
    const { keys } = await sb.json<{ keys: KeyObject[] }>(['keys', 'list', '--kind', 'bearer']);
    const show = await sb.run(['keys', 'show', keys[0]!.id]);
    expect(show.stdout).toMatch(/ created +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n/);
    const rotate = await sb.run(['keys', 'rotate', keys[0]!.id, '--grace', '1h']);
    expect(rotate.stderr).toMatch(/The old key is accepted until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC;/);
    const after = await sb.run(['keys', 'show', keys[0]!.id]);
    expect(after.stdout).toMatch(/replaced by +key_\w+, accepted until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n/);
    const verify = await sb.run(['keys', 'verify', '-'], { input: rotate.stdout });
    expect(verify.stdout).toMatch(/ created +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n/);
    for (const r of [show, rotate, after, verify]) expect(r.stdout + r.stderr).not.toMatch(/\d\d:\d\d(:\d\d(\.\d+)?)?Z/);
  });
});
