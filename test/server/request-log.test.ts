import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { RequestLog } from '../../src/server/http.js';
import { RequestLogger } from '../../src/server/request-log.js';

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

describe('the request log', () => {
  it('writes a lone request at once, on the next turn of the event loop', async () => {
    const { writes, logger, lines } = capture();
    logger.log(entry(1));
    expect(writes).toEqual([]);
    await nextTurn();
    expect(lines().map((l) => l.path)).toEqual(['/v1/posts/1']);
  });

  it('writes the lines of one turn in one call, every line once and in order', async () => {
    const { writes, logger, lines } = capture();
    // 300 lines (under the 64 KiB that is written at once), three per turn of the event loop.
    for (let i = 0; i < 300; i++) {
      logger.log(entry(i));
      if (i % 3 === 2) await nextTurn();
    }
    await nextTurn();
    expect(lines().map((l) => l.path)).toEqual(Array.from({ length: 300 }, (_, i) => `/v1/posts/${i}`));
    expect(writes).toHaveLength(100);
    expect(writes.every((w) => w.split('\n').length === 4)).toBe(true);
  });

  it('close() writes what is still held at once', async () => {
    const { logger, lines } = capture();
    logger.log(entry(1));
    await nextTurn();
    logger.log(entry(2));
    logger.close();
    await nextTurn();
    expect(lines().map((l) => l.path)).toEqual(['/v1/posts/1', '/v1/posts/2']);
  });
});
