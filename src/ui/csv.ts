/**
 * CSV as RFC 4180 writes it, for spreadsheets: a field holding a comma, a quote or a line break is
 * quoted (a quote doubled), and records end with CRLF, as the RFC says (streamLines adds the LF).
 * Two departures, both because a spreadsheet is the reader:
 * - no colour ever: the escape codes a cell was painted with (FORCE_COLOR) are taken out;
 * - a field starting with `=`, `+`, `-`, `@`, a tab or a CR gets a `'` in front (OWASP's advice on
 *   CSV injection), so that a name such as `=HYPERLINK(…)` is shown as text, never run as a formula.
 * A program should read --json, which keeps every character as it is.
 */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + '\r';
}

// Only SGR sequences (colour, bold): names cannot hold control characters (core/names.ts), so any
// escape in a cell is octo's own paint.
const PAINT = /\x1b\[[0-9;]*m/g;
const FORMULA = /^[=+\-@\t\r]/;
const QUOTE_WHEN = /[",\r\n]/;

export function csvCell(cell: string): string {
  let text = cell.includes('\x1b') ? cell.replace(PAINT, '') : cell;
  if (FORMULA.test(text)) text = `'${text}`;
  return QUOTE_WHEN.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
