import { Writable } from 'node:stream';
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Chalk } from 'chalk';
import { describe, expect, it, vi } from 'vitest';
import type { RequestLog } from '../../src/server/http.js';
import { pathOnly } from '../../src/core/endpoints.js';
import { maskKey } from '../../src/core/key-format.js';
import { RequestLogger, scrubPath, writeHundredths } from '../../src/server/request-log.js';

/** A stdout that keeps each write call apart. */
function capture() {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
  });
  const logger = new RequestLogger(stream, true, new Chalk({ level: 0 }));
  const lines = () => writes.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { path: string });
  return { writes, logger, lines };
}

const entry = (i: number): RequestLog => ({ method: 'GET', path: `/v1/posts/${i}`, status: 200, keyId: 'key_abc', reason: 'ok', ms: 0.5 });

/** The line SPEC §6 asks for, as JSON.stringify writes it. */
const asJson = (e: RequestLog, at: string) => JSON.stringify({
  event: 'request', at, method: e.method, path: scrubPath(e.path), status: e.status, key_id: e.keyId, reason: e.reason, ms: Math.round(e.ms * 100) / 100,
});

describe('the request log', () => {
  it('writes a lone request 10 ms after it, not while the request is being answered', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { writes, logger, lines } = capture();
      logger.log(entry(1));
      await nextTurn();
      vi.advanceTimersByTime(9);
      expect(writes).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(lines().map((l) => l.path)).toEqual(['/v1/posts/1']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes the lines logged within 10 ms in one call, every line once and in order', async () => {
    // The clock is held still (only timers; turns of the event loop go on), so the whole burst falls
    // inside one 10 ms window however slowly this machine runs it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { writes, logger, lines } = capture();
      // 300 lines (under the 512 that are written at once), three per turn of the event loop.
      for (let i = 0; i < 300; i++) {
        logger.log(entry(i));
        if (i % 3 === 2) await nextTurn();
      }
      expect(writes).toEqual([]);
      vi.advanceTimersByTime(10);
      expect(lines().map((l) => l.path)).toEqual(Array.from({ length: 300 }, (_, i) => `/v1/posts/${i}`));
      expect(writes).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes every 512 lines at once, without waiting for the timer', () => {
    const { writes, logger, lines } = capture();
    for (let i = 0; i < 2000; i++) logger.log(entry(i));
    expect(writes.map((w) => w.split('\n').length - 1)).toEqual([512, 512, 512]);
    logger.close();
    expect(lines().map((l) => l.path)).toEqual(Array.from({ length: 2000 }, (_, i) => `/v1/posts/${i}`));
  });

  it('close() writes what is still held at once', () => {
    const { logger, lines } = capture();
    logger.log(entry(1));
    logger.log(entry(2));
    logger.close();
    expect(lines().map((l) => l.path)).toEqual(['/v1/posts/1', '/v1/posts/2']);
  });

  it('holds at most 1 MiB while stdout is not read, then says how many lines it dropped', async () => {
    const writes: Buffer[] = [];
    let release: (() => void) | null = null;
    const stream = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, done) {
        writes.push(chunk);
        if (writes.length === 1) release = done;
        else done();
      },
    });
    const logger = new RequestLogger(stream, true, new Chalk({ level: 0 }));
    for (let i = 0; i < 20_000; i++) logger.log(entry(i));
    // The first 512 lines went to the stream, which is stuck; the rest is held, up to 1 MiB.
    expect(writes).toHaveLength(1);
    // Listened for after the logger's own drain listener (added when the stream said stop), so by
    // then the logger has written what it held, without close().
    const drained = once(stream, 'drain');
    release!();
    await drained;
    const text = Buffer.concat(writes).toString();
    logger.close();
    expect(Buffer.concat(writes).toString()).toBe(text); // nothing was left for close()
    const parsed = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { path?: string; event: string; lines?: number });
    const kept = parsed.filter((l) => l.event === 'request');
    const note = parsed.find((l) => l.event === 'log_dropped');
    expect(note?.lines).toBeGreaterThan(0);
    expect(kept.length + note!.lines!).toBe(20_000);
    // Every kept line is whole and in order; the dropped ones are the newest.
    expect(kept.map((l) => l.path)).toEqual(Array.from({ length: kept.length }, (_, i) => `/v1/posts/${i}`));
    expect(Buffer.byteLength(text) - writes[0]!.length).toBeLessThan(1024 * 1024 + 1024);
  });

  it.each([
    ['a plain request', entry(1)],
    ['quotes, backslashes, control and non-ASCII characters', { ...entry(2), path: '/v1/"a"\\b\u0001é😀', reason: 'x"y' }],
    ['no key id, a whole number of ms', { ...entry(3), keyId: null, ms: 12 }],
    ['a status of 429 and a long time', { ...entry(4), status: 429, ms: 1234.5678 }],
  ])('writes each JSON line exactly as JSON.stringify would: %s', (_name, e) => {
    const { writes, logger } = capture();
    logger.log(e);
    logger.close();
    const line = writes.join('').trimEnd();
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(line).toBe(asJson(e, parsed.at as string));
  });

  it('writes a run of different requests, each line as JSON.stringify would, whatever came before it', () => {
    const { writes, logger } = capture();
    // Repeats, then one field changed at a time, then several at once.
    const run: RequestLog[] = [entry(1), entry(1), { ...entry(1), status: 201 }, { ...entry(1), status: 201, keyId: 'key_xyz' },
      { ...entry(1), status: 201, keyId: 'key_xyz', reason: 'other' }, { ...entry(1), status: 201, keyId: 'key_xyz', reason: 'other', method: 'POST' },
      { ...entry(2), status: 201, keyId: 'key_xyz', reason: 'other', method: 'POST' }, { ...entry(2), status: 401, keyId: null, reason: 'unknown_key' },
      { ...entry(2), ms: 3 }, { ...entry(2), ms: 0.004 }];
    for (const e of run) logger.log(e);
    logger.close();
    const lines = writes.join('').split('\n').filter(Boolean);
    expect(lines).toHaveLength(run.length);
    lines.forEach((line, i) => {
      const e = run[i]!;
      expect(line).toBe(asJson(e, (JSON.parse(line) as { at: string }).at));
    });
  });

  it.each([0, 1])('writes text lines as "time method path status key reason ms" (colour level %i)', (level) => {
    const writes: string[] = [];
    const stream = new Writable({ write(chunk: Buffer, _e, done) { writes.push(chunk.toString()); done(); } });
    const c = new Chalk({ level: level as 0 | 1 });
    const logger = new RequestLogger(stream, false, c);
    const run: RequestLog[] = [entry(1), { ...entry(1), status: 404, keyId: null, reason: 'not_found', ms: 12 }, { ...entry(1), status: 503, ms: 1.5 }];
    for (const e of run) logger.log(e);
    logger.close();
    const lines = writes.join('').split('\n').filter(Boolean);
    const paint = [c.green, c.yellow, c.red];
    lines.forEach((line, i) => {
      const e = run[i]!;
      const at = /\d{4}-\d\d-\d\dT[\d:.]+Z/.exec(line)![0];
      expect(line).toBe(`${c.dim(at)} ${e.method} ${e.path} ${paint[i]!(e.status)} ${e.keyId ?? '-'} ${e.reason} ${Math.round(e.ms * 100) / 100}ms`);
    });
  });
});

describe('the milliseconds in a log line', () => {
  const written = (n: number) => {
    const buf = Buffer.alloc(64, 0x2a);
    return buf.toString('latin1', 3, writeHundredths(buf, 3, n));
  };

  it.each([0, -0, 1, 5, 7, 10, 50, 99, 100, 101, 110, 123456, 100000, 999999999999999, 1e15, 2 ** 53 + 2, 1e22, -5, 0.5, NaN, Infinity])(
    'writes %d hundredths as String(n / 100) does', (n) => {
      expect(written(n)).toBe(String(n / 100));
    });

  it('agrees with String(n / 100) over 200,000 random values of every size', () => {
    // Park–Miller: the same values every run, every product exact in a double.
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let i = 0; i < 200_000; i++) {
      const n = Math.floor(random() * 10 ** (1 + (i % 16)));
      if (written(n) !== String(n / 100)) expect(written(n)).toBe(String(n / 100));
    }
  });
});

describe('paths in the log', () => {
  const key = `oct_live_${'A1b2C3d4E5'.repeat(3)}abcdefgh`;

  it('drops the query string and the fragment, whichever comes first', () => {
    expect(['/v1/posts?a=1#x', '/v1/posts#x?a=1', '/v1/posts', '/v1/posts?', '#'].map(pathOnly)).toEqual(['/v1/posts', '/v1/posts', '/v1/posts', '/v1/posts', '']);
  });

  it('masks a key in the path, and leaves other paths as they are', () => {
    expect(scrubPath(`/v1/posts/${key}?api_key=${key}`)).toBe(`/v1/posts/${maskKey(key)}`);
    expect(scrubPath('/v1/posts/octopus')).toBe('/v1/posts/octopus');
  });

  it('clips a long path after masking, so no part of a key cut by the clip is shown', () => {
    const line = scrubPath('/' + 'a'.repeat(170) + key);
    expect(line.length).toBeLessThanOrEqual(201);
    expect(line).not.toContain(key.slice(9, 17));
  });
});

