// dist/ui/table.js
async function printTable(out, head, rows) {
  let { default: Table } = await import("cli-table3"), table = new Table({
    head: head.map((h) => out.c.bold(h)),
    style: out.colorOn ? { head: [], border: ["grey"] } : { head: [], border: [] }
  });
  table.push(...rows), out.line(table.toString());
}

export {
  printTable
};
