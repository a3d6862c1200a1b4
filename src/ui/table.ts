import { csvLine } from './csv.js';
import type { Output } from './output.js';
import { loadTextWidth, type TextWidth } from './text-width.js';

/**
 * A column of a table. A plain title never narrows (ids, masked keys: they are copied whole).
 * `fit: 'truncate'` (names: one line per row, the whole name is in `show` and --json) is cut with
 * …; `fit: 'wrap'` (labels, scopes, times, actions) wraps inside its cell; neither narrows below
 * FLOOR columns. `fit: 'words'` wraps only at spaces, so it stops at its longest word too (a
 * masked key beside words). `drop` columns are left out, lowest number first, when the table
 * cannot fit even at its floors.
 */
export interface Column {
  title: string;
  fit?: 'truncate' | 'wrap' | 'words';
  drop?: number;
}

/** The width below which a narrowing column stops narrowing (its content, if narrower). */
export const FLOOR = 10;

/**
 * A table on stdout. On a terminal: box-drawing borders, a space of padding, a rule between rows,
 * cells of several lines, fitted to `columns`, drawn in one pass (widths first, then lines streamed:
 * cli-table3's layout grew faster than the row count, and `keys list` over 100,000 keys had not
 * finished after 10 minutes). Off a terminal (`columns` null): tab-separated rows under a header
 * row, no borders, nothing cut, and no colour unless FORCE_COLOR asks for it (a CI log that renders
 * colour); see tsvCell for tabs and newlines inside a cell. `--format` chooses one of them, or CSV
 * (see csv.ts), whatever stdout is.
 */
export async function printTable(
  out: Output, head: (string | Column)[], rows: string[][], columns: number | null | 'csv' = out.tableLayout,
): Promise<void> {
  const cols = head.map((h) => (typeof h === 'string' ? { title: h } : h));
  if (columns === 'csv') {
    await out.streamLines((function* () {
      yield csvLine(cols.map((c) => c.title));
      for (const row of rows) yield csvLine(cols.map((_, i) => row[i] ?? ''));
    })());
    return;
  }
  if (columns === null) {
    await out.streamLines((function* () {
      yield cols.map((c) => tsvCell(c.title)).join('\t');
      for (const row of rows) yield cols.map((_, i) => tsvCell(row[i] ?? '')).join('\t');
    })());
    return;
  }
  const text = await loadTextWidth();
  const { displayWidth, truncateLine, wrapLine } = text;
  const pad = (cell: string, to: number) => cell + ' '.repeat(Math.max(0, to - displayWidth(cell)));
  const { natural, floors } = measureColumns(text, cols, rows);
  const { shown, widths } = fitColumns(cols, natural, floors, columns);
  const left = cols.filter((_, i) => !shown.includes(i)).map((c) => c.title);
  if (left.length > 0) out.info(`${left.join(', ')} not shown: the table does not fit ${columns} columns (--json has every field)`);
  const paint = out.colorOn ? (s: string) => out.c.gray(s) : (s: string) => s;
  const rule = (l: string, m: string, r: string) => paint(l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r);
  const bar = paint('│');
  function* lines(cells: string[][]): Generator<string> {
    const height = Math.max(...cells.map((c) => c.length));
    for (let l = 0; l < height; l++) {
      yield bar + cells.map((c, j) => ` ${pad(c[l] ?? '', widths[j]!)} `).join(bar) + bar;
    }
  }
  const fitted = (cells: string[], header: boolean) => shown.map((i, j) => {
    const cell = cells[i] ?? '';
    const width = widths[j]!;
    const fit = header ? 'wrap' : cols[i]!.fit;
    if (width >= natural[i]! || fit === undefined) return cell.split('\n');
    return cell.split('\n').flatMap((line) => (fit === 'truncate' ? [truncateLine(line, width)] : wrapLine(line, width)));
  });
  await out.streamLines((function* () {
    yield rule('┌', '┬', '┐');
    yield* lines(fitted(cols.map((c) => out.c.bold(c.title)), true));
    for (const row of rows) {
      yield rule('├', '┼', '┤');
      yield* lines(fitted(row, false));
    }
    yield rule('└', '┴', '┘');
  })());
}

/** Each column's natural width (its widest cell line) and the floor it may narrow to. */
function measureColumns({ displayWidth }: TextWidth, cols: Column[], rows: string[][]): { natural: number[]; floors: number[] } {
  const cellWidth = (cell: string) => (cell.includes('\n') ? Math.max(...cell.split('\n').map(displayWidth)) : displayWidth(cell));
  const natural = cols.map((c) => cellWidth(c.title));
  for (const row of rows) {
    for (let i = 0; i < natural.length; i++) natural[i] = Math.max(natural[i]!, cellWidth(row[i] ?? ''));
  }
  const floors = cols.map((c, i) => {
    if (c.fit === undefined) return natural[i]!;
    let longest = FLOOR;
    if (c.fit === 'words') {
      for (const row of rows) for (const word of (row[i] ?? '').split(/[ \n]/)) longest = Math.max(longest, displayWidth(word));
    }
    return Math.min(natural[i]!, longest);
  });
  return { natural, floors };
}

/**
 * Which columns are shown and how wide, for a terminal `columns` wide: `drop` columns left out
 * while even the floors do not fit, then the widest narrowing column narrowed, one column at a
 * time (a 200-character name gives up its width before any other column wraps). A table that
 * still does not fit is drawn at its floors.
 */
export function fitColumns(cols: Column[], natural: number[], floors: number[], columns: number): { shown: number[]; widths: number[] } {
  const floor = (i: number) => floors[i]!;
  const total = (shown: number[], width: (i: number) => number) => shown.reduce((sum, i) => sum + width(i) + 3, 1);
  const droppable = cols.map((c, i) => ({ i, drop: c.drop })).filter((c) => c.drop !== undefined).sort((a, b) => a.drop! - b.drop!);
  let shown = cols.map((_, i) => i);
  for (const { i } of droppable) {
    if (total(shown, floor) <= columns) break;
    shown = shown.filter((s) => s !== i);
  }
  const widths = new Map(shown.map((i) => [i, natural[i]!]));
  const narrowing = shown.filter((i) => cols[i]!.fit !== undefined);
  for (let excess = total(shown, (i) => widths.get(i)!) - columns; excess > 0; excess--) {
    const widest = narrowing.filter((i) => widths.get(i)! > floor(i)).sort((a, b) => widths.get(b)! - widths.get(a)!)[0];
    if (widest === undefined) break;
    widths.set(widest, widths.get(widest)! - 1);
  }
  return { shown, widths: shown.map((i) => widths.get(i)!) };
}

const SPECIAL = /[\t\n\r]/;

/**
 * A cell of a tab-separated row: a tab or a line break (the lines of a cell of several lines) made
 * one space, so that a row stays one line and a field never holds a tab; everything else is left as
 * it is (a name with a backslash greps as typed). --json is the form that keeps every character.
 */
export function tsvCell(cell: string): string {
  if (!SPECIAL.test(cell)) return cell;
  return cell.replace(/\r\n|[\t\n\r]/g, ' ');
}
