// node bench/startup.js KEY [RUNS]   (with OCTO_DB set): CLI start-up against the floor SPEC §10 names.
// Runs are alternated floor, verify, list, floor, ... and medians taken: these virtual machines drift
// by a third within a minute, which skews tools that time all runs of one command first (hyperfine
// does: use it by hand as a cross-check). Prints {"medians": [floor, verify, list]} in milliseconds.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './lib/load.js';

const BIN = fileURLToPath(new URL('../bin/octo.js', import.meta.url));
const [key, runsText = '40'] = process.argv.slice(2);
if (!key || !process.env.OCTO_DB) {
  process.stderr.write('usage: OCTO_DB=keystore.db node bench/startup.js KEY [RUNS]\n');
  process.exit(2);
}
const commands = [
  [process.execPath, '-e', "require('better-sqlite3')"],
  [process.execPath, BIN, 'keys', 'verify', key, '--json'],
  [process.execPath, BIN, 'keys', 'list', '--json', '--kind', 'workspace'],
];
const times = commands.map(() => []);
for (let round = -3; round < Number(runsText); round++) {
  commands.forEach((cmd, i) => {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${cmd.slice(1).join(' ')} exited ${r.status}`);
    if (round >= 0) times[i].push(Number(process.hrtime.bigint() - t) / 1e6); // rounds < 0 warm the caches
  });
}
process.stdout.write(JSON.stringify({ medians: times.map(median) }) + '\n');
