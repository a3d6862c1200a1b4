import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey } from '../../src/app/keys.js';
import { BIN, Sandbox } from '../helpers/cli.js';

/** `octo keys list --json | head`: a reader that goes away ends the output quietly, exit 0. */
describe('stdout whose reader goes away', () => {
  const sb = new Sandbox();
  beforeAll(async () => {
    const ctx = new AppContext(sb.env);
    for (let i = 0; i < 3000; i++) await createKey(ctx, { kind: 'bearer', name: `key ${i}` });
    await ctx.close();
  });
  afterAll(async () => sb.cleanup());

  // `keys list` streams its document; `audit` (3000 key.create events here, far more than a pipe
  // holds) writes its document in one go, straight to the file descriptor.
  it.each([['keys', 'list', '--json'], ['audit', '--json']])('octo %s %s: stops writing without a stack when the pipe closes early', async (...args) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // Read one chunk (more than a pipe buffer is coming), then close our end, as `head` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('a non-blocking stdout that fills up (EAGAIN) still gets the whole document', async () => {
    // Some parents hand their children a pipe in non-blocking mode; node's spawn never does, so
    // python makes the pipe, and reads it only once octo has filled it (FIONREAD says the pipe holds
    // its whole capacity), so octo has met EAGAIN however slowly it started.
    const script = [
      'import fcntl, os, struct, subprocess, sys, termios, time',
      'r, w = os.pipe()',
      'os.set_blocking(w, False)',
      'p = subprocess.Popen(sys.argv[1:], stdout=w)',
      'os.close(w)',
      'capacity = fcntl.fcntl(r, 1032)  # F_GETPIPE_SZ',
      "held = lambda: struct.unpack('i', fcntl.ioctl(r, termios.FIONREAD, bytes(4)))[0]",
      'while held() < capacity and p.poll() is None: time.sleep(0.005)',
      "if p.poll() is not None: sys.exit('octo exited before filling the pipe')",
      'data = b""',
      'while chunk := os.read(r, 65536): data += chunk',
      'sys.stdout.buffer.write(data)',
      'sys.exit(p.wait())',
    ].join('\n');
    const child = spawn('python3', ['-c', script, process.execPath, BIN, 'audit', '--json'], { env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect([code, stderr]).toEqual([0, '']);
    const { events } = JSON.parse(stdout) as { events: { action: string }[] };
    expect(events.filter((e) => e.action === 'key.create')).toHaveLength(3000);
  });

  it('a reader slower than octo still gets the whole document', async () => {
    const child = spawn(process.execPath, [BIN, 'audit', '--json'], { env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pause();
    // Paused, node reads from the pipe only until its buffer holds a high-water mark; from then on
    // octo's writes fill the pipe and must wait (the document is far larger than both).
    const { stdout: out } = child;
    while (out.readableLength < out.readableHighWaterMark) {
      expect(child.exitCode, 'octo exited before the reader stopped reading').toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(0);
    const { events } = JSON.parse(stdout) as { events: { action: string }[] };
    expect(events.filter((e) => e.action === 'key.create')).toHaveLength(3000);
  });
});
