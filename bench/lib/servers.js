import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/octo.js', import.meta.url));
const BARE = fileURLToPath(new URL('../bare-server.js', import.meta.url));

/**
 * Starts a server process whose first stdout line is its URL. Its stdout goes to a file, as
 * `octo serve > verifier.log` would: the per-request log is still formatted and written, but no
 * reader process competes with the server and wrk for the machine's two cores.
 */
async function startProcess(args, env, parseUrl) {
  const dir = mkdtempSync(join(tmpdir(), 'octo-serve-'));
  const logPath = join(dir, 'stdout.log');
  const log = openSync(logPath, 'w');
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', log, 'inherit'] });
  closeSync(log);
  const exited = once(child, 'exit');
  for (let waited = 0; waited < 15_000; waited += 20) {
    const text = readFileSync(logPath, 'utf8');
    const newline = text.indexOf('\n');
    if (newline >= 0) return { child, url: parseUrl(text.slice(0, newline)), pid: child.pid, dir };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await exited;
  throw new Error(`server did not start: ${args.join(' ')}`);
}

/** `readBody`: the bare server reads and parses each request's body before it answers. */
export function startBare(env, { readBody = false } = {}) {
  return startProcess([BARE, ...(readBody ? ['--read-body'] : [])], env, (line) => line.trim());
}

export function startOcto(db, env, extra = []) {
  return startProcess([BIN, 'serve', '--port', '0', '--json', '--db', db, ...extra], env, (line) => JSON.parse(line).url);
}

export async function stop(server) {
  if (server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
  }
  rmSync(server.dir, { recursive: true, force: true });
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
