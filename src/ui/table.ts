import type { Output } from './output.js';

/**
 * A table on stdout, drawn as cli-table3 draws one (box-drawing borders, a space of padding, a rule
 * between rows, cells of several lines), in one pass: column widths are measured first, then the
 * lines are streamed. cli-table3's own layout grew faster than the row count (4,000 rows took
 * 3.6 s, and `octo keys list` over 100,000 keys had not finished after 10 minutes).
 */
export async function printTable(out: Output, head: string[], rows: string[][]): Promise<void> {
  const header = head.map((h) => out.c.bold(h));
  const widths = header.map((h) => width(h));
  for (const row of rows) {
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, width(row[i] ?? ''));
  }
  const paint = out.colorOn ? (s: string) => out.c.gray(s) : (s: string) => s;
  const rule = (left: string, middle: string, right: string) =>
    paint(left + widths.map((w) => '─'.repeat(w + 2)).join(middle) + right);
  const bar = paint('│');
  function* lines(cells: string[]): Generator<string> {
    const split = widths.map((_, i) => (cells[i] ?? '').split('\n'));
    const height = Math.max(...split.map((c) => c.length));
    for (let l = 0; l < height; l++) {
      yield bar + split.map((c, i) => ` ${pad(c[l] ?? '', widths[i]!)} `).join(bar) + bar;
    }
  }
  await out.streamLines((function* () {
    yield rule('┌', '┬', '┐');
    yield* lines(header);
    for (const row of rows) {
      yield rule('├', '┼', '┤');
      yield* lines(row);
    }
    yield rule('└', '┴', '┘');
  })());
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Columns a cell takes on screen: its widest line, colour codes left out, one per code point. */
function width(cell: string): number {
  let widest = 0;
  for (const line of cell.split('\n')) widest = Math.max(widest, [...line.replace(ANSI, '')].length);
  return widest;
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(to - width(text));
}
