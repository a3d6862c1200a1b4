import { Chalk } from 'chalk';
import { Writable } from 'node:stream';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/ui/output.js';
import { PLAIN } from '../../src/ui/colors.js';
import { fitColumns, printTable, type Column } from '../../src/ui/table.js';
import { loadTextWidth } from '../../src/ui/text-width.js';

/** The table as written to stdout: `columns` wide on a terminal, or null for a pipe. */
async function render(head: (string | Column)[], rows: string[][], columns: number | null = 200, colour = false): Promise<{ text: string; stderr: string }> {
  let text = '';
  let stderr = '';
  const sink = (add: (s: string) => void) => new Writable({
    write(chunk: Buffer, _encoding, done) {
      add(chunk.toString());
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  const painter = colour ? new Chalk({ level: 1 }) : PLAIN;
  const out = new Output(
    { json: false, color: colour, debug: false, env: {}, stdout: sink((s) => (text += s)), stderr: sink((s) => (stderr += s)) },
    { stdout: painter, stderr: painter },
  );
  await printTable(out, head, rows, columns);
  return { text, stderr };
}

const ANSI = /\x1b\[[0-9;]*m/g;
const lines = (text: string) => text.trimEnd().split('\n');

/** The display columns at which each line has a border character. */
function borderColumns(line: string): number[] {
  const at: number[] = [];
  let column = 0;
  for (const { segment } of new Intl.Segmenter().segment(line.replace(ANSI, ''))) {
    if ('│┌┬┐├┼┤└┴┘'.includes(segment)) at.push(column);
    column += stringWidth(segment);
  }
  return at;
}

describe('tables on a terminal', () => {
  it('draws borders, one space of padding, a rule between rows, and cells of several lines', async () => {
    expect((await render(['ID', 'NAME'], [['a', 'multi\nline'], ['bbb', 'x']])).text).toBe([
      '┌─────┬───────┐',
      '│ ID  │ NAME  │',
      '├─────┼───────┤',
      '│ a   │ multi │',
      '│     │ line  │',
      '├─────┼───────┤',
      '│ bbb │ x     │',
      '└─────┴───────┘',
      '',
    ].join('\n'));
  });

  it('measures widths without colour codes, and colours borders only when colour is on', async () => {
    const plain = (await render(['KEY', 'STATUS'], [['oct_live_Ab3x…9Kq2', 'active']])).text;
    const coloured = (await render(['KEY', 'STATUS'], [['oct_live_Ab3x…9Kq2', new Chalk({ level: 1 }).green('active')]], 200, true)).text;
    expect(plain).not.toMatch(ANSI);
    expect(coloured).toMatch(ANSI);
    expect(coloured.replace(ANSI, '')).toBe(plain);
  });

  it('puts every border in the same display column whatever the names hold: emoji, flags, CJK, full-width, combining marks', async () => {
    const names = ['👩‍💻 dev', '🇯🇵 Tokyo', '漢字', 'ＡＢＣ', 'cafe\u0301', 'plain'];
    const { text } = await render(['ID', 'NAME', 'STATUS'], names.map((n, i) => [`key_${i}`, n, 'active']));
    const all = lines(text);
    expect(all).toHaveLength(3 + 2 * names.length);
    const first = borderColumns(all[0]!);
    expect(first).toEqual([0, 8, 19, 28]);
    for (const line of all) expect(borderColumns(line)).toEqual(first);
    for (const name of names) expect(text).toContain(`│ ${name} `);
  });

  it('fits a 200-character name into 80 columns: cut with … at the name column, ids and keys whole', async () => {
    const long = 'N'.repeat(190) + '漢字漢字漢';
    const rows = [['key_IJ2fN33iDZ', long, 'active', 'oct_live_WaVJ…OuzI'], ['key_stT7F8xYBj', 'short', 'revoked', 'oct_live_Ab3x…9Kq2']];
    const head: (string | Column)[] = ['ID', { title: 'NAME', fit: 'truncate' }, 'STATUS', 'KEY'];
    const all = lines((await render(head, rows, 80)).text);
    for (const line of all) expect(stringWidth(line)).toBe(80);
    expect(all[3]).toMatch(/^│ key_IJ2fN33iDZ │ N+… │ active  │ oct_live_WaVJ…OuzI │$/);
    expect(all[5]).toContain('│ key_stT7F8xYBj │ short ');
    for (const line of all) expect(borderColumns(line)).toEqual(borderColumns(all[0]!));
  });

  it('cuts between wide characters and keeps colour codes whole', async () => {
    const c = new Chalk({ level: 1 });
    const { text } = await render([{ title: 'NAME', fit: 'truncate' }, 'X'], [[c.red('漢'.repeat(40)), 'y']], 20, true);
    const row = lines(text)[3]!;
    expect(stringWidth(row)).toBe(20);
    // 20 columns leave 12 for the name: 5 wide characters and the … take 11, and a 6th would not fit.
    expect(row.replace(ANSI, '')).toBe(`│ ${'漢'.repeat(5)}…  │ y │`);
    expect(row).toContain(c.red(`${'漢'.repeat(5)}…`));
  });

  it('wraps wrap columns at spaces, and breaks a word longer than the column between characters', async () => {
    const head: (string | Column)[] = ['ID', { title: 'SCOPES', fit: 'wrap' }, { title: 'DETAIL', fit: 'wrap' }];
    const { text } = await render(head, [['key_1', 'posts:read, posts:write, accounts:read', '{"kind":"bearer","name":"CI"}']], 40);
    const all = lines(text);
    for (const line of all) expect(stringWidth(line)).toBeLessThanOrEqual(40);
    expect(all.slice(3, -1).map((l) => l.replace(/ +│/g, ' │'))).toEqual([
      '│ key_1 │ posts:read, │ {"kind":"bear │',
      '│ │ posts:write, │ er","name":"C │',
      '│ │ accounts:rea │ I"} │',
      '│ │ d │ │',
    ]);
  });

  it('leaves out drop columns, first by rank, when the floors still do not fit, and says so on stderr', async () => {
    const head: (string | Column)[] = ['ID', { title: 'NAME', fit: 'truncate' }, { title: 'LABEL', fit: 'wrap', drop: 2 }, { title: 'SCOPES', fit: 'wrap', drop: 1 }, 'KEY'];
    const row = ['key_IJ2fN33iDZ', 'CI pipeline for the release', 'API Key for bearer', 'posts:read, posts:write', 'oct_live_WaVJ…OuzI'];
    const { text, stderr } = await render(head, [row], 70);
    expect(lines(text)[1]).toMatch(/^│ ID +│ NAME +│ LABEL +│ KEY +│$/);
    for (const line of lines(text)) expect(stringWidth(line)).toBeLessThanOrEqual(70);
    expect(stderr).toBe('SCOPES not shown: the table does not fit 70 columns (--json has every field)\n');
  });

  it('lays out 20,000 rows: one line each, a rule between, every line as wide as the first', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [`key_${i}`, i % 7 ? 'active' : 'revoked']);
    const all = lines((await render(['ID', 'STATUS'], rows)).text);
    expect(all).toHaveLength(3 + 2 * rows.length);
    expect(new Set(all.map((l) => stringWidth(l))).size).toBe(1);
    expect(all.at(-2)).toBe('│ key_19999 │ revoked │');
  });
});

describe('tables off a terminal', () => {
  it('are tab-separated rows under a header row: no borders, nothing cut', async () => {
    const long = 'n'.repeat(200);
    const { text } = await render(['ID', { title: 'NAME', fit: 'truncate' }, 'STATUS'], [['key_1', long, 'active'], ['key_2', '漢字 👩‍💻', 'revoked']], null, true);
    expect(text).toBe(`ID\tNAME\tSTATUS\nkey_1\t${long}\tactive\nkey_2\t漢字 👩‍💻\trevoked\n`);
  });

  it('keep the colour of a cell that has one (cells are painted only when FORCE_COLOR asks off a terminal)', async () => {
    const c = new Chalk({ level: 1 });
    const { text } = await render(['ID', 'STATUS'], [['key_1', c.green('active')]], null, true);
    expect(text).toBe(`ID\tSTATUS\nkey_1\t${c.green('active')}\n`);
  });

  it('make a tab or a line break inside a cell one space, and leave the rest (a backslash) as it is', async () => {
    const { text } = await render(['A', 'B'], [['message.sent\nmessage.failed', 'a\tb\\c\r\nd\re']], null);
    expect(text).toBe('A\tB\nmessage.sent message.failed\ta b\\c d e\n');
  });
});

describe('fitting columns', () => {
  const cols: Column[] = [{ title: 'ID' }, { title: 'NAME', fit: 'truncate' }, { title: 'LABEL', fit: 'wrap' }];

  it.each([
    [200, [14, 150, 25]], // wide enough: natural widths
    [100, [14, 51, 25]], // the name alone gives way until it is the widest no more
    [60, [14, 18, 18]], // then the widest narrowing column each time
    [30, [14, 10, 10]], // floors: ids never narrow, the rest stop at 10
  ])('%i columns → widths %j', (columns, widths) => {
    expect(fitColumns(cols, [14, 150, 25], [14, 10, 10], columns)).toEqual({ shown: [0, 1, 2], widths });
  });
});

describe('text width', () => {
  it('counts display columns, colour codes as none', async () => {
    const { displayWidth } = await loadTextWidth();
    for (const text of ['👩‍💻', '🇯🇵', '漢字', 'ＡＢＣ', 'cafe\u0301', 'oct_live_Ab3x…9Kq2', '—', '\x1b[31mred\x1b[39m', 'a\x1b]8;;http://x\x07link\x1b]8;;\x07']) {
      expect(displayWidth(text)).toBe(stringWidth(text));
    }
  });
});

describe('cutting and wrapping', () => {
  // The fast path for plain text must give what the general path gives: the same text with a
  // colour code at each end takes the general path.
  const c = new Chalk({ level: 1 });
  it.each([
    ['posts:read, posts:write, accounts:read', 12],
    ['{"kind":"bearer","name":"CI pipeline"}', 10],
    ['a  b   c averyveryverylongword x', 7],
    ['2026-12-02 13:21:40 UTC', 10],
    ['oct_live_Ab3x…9Kq2 (API Key)', 18],
  ])('%j in %i columns: plain and coloured agree', async (text, width) => {
    const { wrapLine, truncateLine } = await loadTextWidth();
    const coloured = c.red(text);
    expect(wrapLine(coloured, width).map((l) => l.replace(ANSI, ''))).toEqual(wrapLine(text, width));
    expect(truncateLine(coloured, width).replace(ANSI, '')).toBe(truncateLine(text, width));
    for (const line of wrapLine(text, width)) expect(stringWidth(line)).toBeLessThanOrEqual(width);
  });
});
