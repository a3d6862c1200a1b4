import { Chalk } from 'chalk';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/ui/output.js';
import { PLAIN } from '../../src/ui/colors.js';
import { printTable } from '../../src/ui/table.js';

async function render(head: string[], rows: string[][], colour = false): Promise<string> {
  let text = '';
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  const painter = colour ? new Chalk({ level: 1 }) : PLAIN;
  const out = new Output({ json: false, color: colour, debug: false, env: {}, stdout }, { stdout: painter, stderr: painter });
  await printTable(out, head, rows);
  return text;
}

const ANSI = /\x1b\[[0-9;]*m/g;

describe('tables', () => {
  it('draws borders, one space of padding, a rule between rows, and cells of several lines', async () => {
    expect(await render(['ID', 'NAME'], [['a', 'multi\nline'], ['bbb', 'x']])).toBe([
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
    const plain = await render(['KEY', 'STATUS'], [['oct_live_Ab3x…9Kq2', 'active']]);
    const coloured = await render(['KEY', 'STATUS'], [['oct_live_Ab3x…9Kq2', new Chalk({ level: 1 }).green('active')]], true);
    expect(plain).not.toMatch(ANSI);
    expect(coloured).toMatch(ANSI);
    expect(coloured.replace(ANSI, '')).toBe(plain);
  });

  it('lays out 20,000 rows: one line each, a rule between, every line as wide as the first', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [`key_${i}`, i % 7 ? 'active' : 'revoked']);
    const lines = (await render(['ID', 'STATUS'], rows)).trimEnd().split('\n');
    expect(lines).toHaveLength(3 + 2 * rows.length);
    expect(new Set(lines.map((l) => [...l].length)).size).toBe(1);
    expect(lines.at(-2)).toBe('│ key_19999 │ revoked │');
  });
});
