import type { Output } from './output.js';

/**
 * A table on stdout. cli-table3 is imported only here, and only when a table is printed, so that
 * commands with --json (and `keys verify`) never pay for loading it. It colours borders on its own,
 * so styles are emptied when colour is off.
 */
export async function printTable(out: Output, head: string[], rows: string[][]): Promise<void> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({
    head: head.map((h) => out.c.bold(h)),
    style: out.colorOn ? { head: [], border: ['grey'] } : { head: [], border: [] },
  });
  table.push(...rows);
  out.line(table.toString());
}
