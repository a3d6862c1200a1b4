import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BIN, type Sandbox } from './cli.js';
import { nodeUnderUmask } from './keystore.js';

export interface RunningServe {
  url: string;
  proc: ChildProcessWithoutNullStreams;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Resolves once the stream's output so far makes `done` true (checked as each chunk arrives); fails after `timeoutMs`. */
  until(stream: 'stdout' | 'stderr', done: (text: string) => boolean, what: string, timeoutMs?: number): Promise<void>;
  stderr(): string;
  /** Sends the signal and resolves with the exit code once the process has ended (SIGKILL after 15 s). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServeOptions {
  /** Start under this umask (through sh), to prove octo does not rely on the caller's. */
  umask?: string;
  /** Added to the sandbox's environment. */
  env?: NodeJS.ProcessEnv;
}

/** Spawns `octo serve --port 0` in the sandbox and resolves once it has printed its address. */
export function startServe(sandbox: Sandbox, extra: string[] = [], opts: ServeOptions = {}): Promise<RunningServe> {
  const [cmd, argv] = nodeUnderUmask([BIN, 'serve', '--port', '0', ...extra], opts.umask);
  const proc = spawn(cmd, argv, { env: { ...sandbox.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('close', (code, signal) => resolve({ code, signal }));
  });
  const killer = setTimeout(() => proc.kill('SIGKILL'), 120_000);
  void exited.then(() => clearTimeout(killer));
  return new Promise((resolve, reject) => {
    const giveUp = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 15_000);
    const onData = () => {
      const first = out.split('\n')[0]!;
      if (!out.includes('\n')) return;
      clearTimeout(giveUp);
      proc.stdout.off('data', onData);
      const url = first.startsWith('{') ? (JSON.parse(first) as { url: string }).url : first.replace(/^listening on /, '');
      resolve({
        url,
        proc,
        stdout: () => out,
        until: (stream, done, what, timeoutMs = 15_000) => new Promise((resolveWait, rejectWait) => {
          const text = () => (stream === 'stdout' ? out : err);
          // Added after the listener that collects the text, so each check sees the chunk that woke it.
          const check = () => {
            if (!done(text())) return;
            clearTimeout(timer);
            proc[stream].off('data', check);
            resolveWait();
          };
          const timer = setTimeout(() => {
            proc[stream].off('data', check);
            rejectWait(new Error(`serve printed no ${what} on ${stream} within ${timeoutMs} ms; it ends: ${text().slice(-2000)}`));
          }, timeoutMs);
          proc[stream].on('data', check);
          check();
        }),
        stderr: () => err,
        exited,
        stop: (signal = 'SIGTERM') => {
          const guard = setTimeout(() => proc.kill('SIGKILL'), 15_000);
          proc.kill(signal);
          return exited.finally(() => clearTimeout(guard));
        },
      });
    };
    proc.stdout.on('data', onData);
    void exited.then(({ code }) => reject(new Error(`serve exited ${code} before listening: ${err}`)));
  });
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** One request with a 10 s timeout; the body parsed as JSON. */
export async function request(url: string, method: string, headers: Record<string, string> = {}, body?: unknown): Promise<HttpAnswer> {
  const init: RequestInit = { method, headers: { ...headers }, signal: AbortSignal.timeout(10_000) };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
