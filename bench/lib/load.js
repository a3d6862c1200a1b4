// Load generation: wrk where installed (it costs the server far less CPU than a Node client),
// else autocannon. One connection count and thread count for every run so ratios compare.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CONNECTIONS = 50;

export function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

export const loader = hasCommand('wrk') ? 'wrk' : 'autocannon';

/** A request: method, path, headers, body (string or undefined). */
export async function measure(url, request, seconds) {
  return loader === 'wrk' ? runWrk(url, request, seconds) : runAutocannon(url, request, seconds);
}

// Asynchronous, so that this process keeps draining the servers' stdout while wrk runs.
async function runWrk(url, request, seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'octo-wrk-'));
  const script = join(dir, 'request.lua');
  const lua = [
    `wrk.method = ${JSON.stringify(request.method)}`,
    ...Object.entries(request.headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`),
    request.body === undefined ? '' : `wrk.body = ${JSON.stringify(request.body)}`,
  ].join('\n');
  writeFileSync(script, lua);
  const { stdout: out } = await promisify(execFile)('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '-s', script, url + request.path], {
    encoding: 'utf8',
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors: (.*)/.exec(out)?.[1] ?? null;
  return { rps, non2xx, errors };
}

async function runAutocannon(url, request, seconds) {
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({
    url: url + request.path, method: request.method, headers: request.headers, body: request.body,
    connections: CONNECTIONS, duration: seconds,
  });
  return { rps: result.requests.average, non2xx: result.non2xx, errors: result.errors ? String(result.errors) : null };
}

/**
 * One round over several servers, each `[url, request]`, in an order rotated by `round`: measured in
 * a fixed order on this 2-core VM, the server measured last in a round gave about a tenth less than
 * the same build measured before it (BENCHMARKS.md, 2026-12-04 evening), so each takes each place
 * in turn. The results come back in the order given.
 */
export async function measureRotated(round, targets, seconds) {
  const results = new Array(targets.length);
  for (let k = 0; k < targets.length; k++) {
    const i = (k + round) % targets.length;
    const [url, request] = targets[i];
    results[i] = await measure(url, request, seconds);
  }
  return results;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
