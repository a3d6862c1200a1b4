import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/octo.js', import.meta.url));
const BARE = fileURLToPath(new URL('../bare-server.js', import.meta.url));

/** Starts a server process that prints its URL on the first stdout line; drains the rest. */
async function startProcess(args, env, parseUrl) {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [first] = await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => { throw new Error(`server exited with ${code} before listening`); }),
  ]);
  // Keep reading so that the per-request log never fills the pipe and blocks the server.
  lines.on('line', () => {});
  return { child, url: parseUrl(first), pid: child.pid };
}

export function startBare(env) {
  return startProcess([BARE], env, (line) => line.trim());
}

export function startOcto(db, env) {
  return startProcess([BIN, 'serve', '--port', '0', '--json', '--db', db], env, (line) => JSON.parse(line).url);
}

export async function stop(server) {
  server.child.kill('SIGTERM');
  await once(server.child, 'exit');
}

/** Resident and peak memory of a process, from /proc (Linux). */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
  } catch {
    return { rssMiB: NaN, peakMiB: NaN };
  }
}
