import type { Socket } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../helpers/cli.js';
import { parseAnswer, portOf, rawRequest, type RawAnswer } from '../helpers/raw-http.js';
import { peakMiB, servesThroughout, smsSandbox } from '../helpers/serve-suite.js';
import { startServe, type RunningServe } from '../helpers/serve.js';

/**
 * How a body may be sent to `octo serve --port 0` (a real process, raw sockets on 127.0.0.1):
 * compressed (Content-Encoding), after a UTF-8 byte-order mark, or held back behind
 * `Expect: 100-continue`. After every case the process is alive and `GET /healthz` answers 200.
 */
let sandbox: Sandbox;
let serve: RunningServe;
let port: number;
let channelKey: string;
const MiB = 1024 * 1024;
const SMS = Buffer.from(JSON.stringify({ destination_phone: '+15551234567', body: 'Hello from Octopods.' }));
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

beforeAll(async () => {
  ({ sandbox, channelKey } = await smsSandbox());
  serve = await startServe(sandbox);
  port = portOf(serve.url);
});

servesThroughout(() => ({ serve, sandbox }));

interface Post {
  encoding?: string;
  key?: string | null;
  path?: string;
  extra?: string;
  keepAlive?: boolean;
}

function headOf(length: number, { encoding, key = channelKey, path = '/api/v1/sms/messages', extra = '', keepAlive = false }: Post): string {
  return `POST ${path} HTTP/1.1\r\nHost: x\r\n${key === null ? '' : `X-Octopods-Auth: ${key}\r\n`}Content-Type: application/json\r\n` +
    `${encoding === undefined ? '' : `Content-Encoding: ${encoding}\r\n`}${extra}Content-Length: ${length}\r\n${keepAlive ? '' : 'Connection: close\r\n'}\r\n`;
}

const bytesOf = (body: Buffer, opts: Post = {}) => Buffer.concat([Buffer.from(headOf(body.length, opts), 'latin1'), body]);
// Kept open: node drops a request whose client half-closes before the answer, and decoding takes a turn.
const post = (body: Buffer, opts: Post = {}) => rawRequest(port, bytesOf(body, opts), { keepOpen: true });
const answerOf = (r: RawAnswer) => [r.status, r.body?.code, r.body?.reason];
const acceptEncoding = (r: RawAnswer) => /\r\naccept-encoding: ([^\r]*)\r\n/i.exec(r.text)?.[1];

describe('a compressed body is decoded, then judged as if it had been sent plain', () => {
  it.each([
    ['gzip', 'gzip', gzipSync(SMS)],
    ['x-gzip', 'x-gzip', gzipSync(SMS)],
    ['gzip in upper case', 'GZIP', gzipSync(SMS)],
    ['deflate (zlib-wrapped, as RFC 9110 says)', 'deflate', deflateSync(SMS)],
    ['deflate sent raw (as many clients do)', 'deflate', deflateRawSync(SMS)],
    ['identity', 'identity', SMS],
  ])('%s → 202 queued', async (_name, encoding, body) => {
    const r = await post(body, { encoding });
    expect([r.status, r.body?.status, r.body?.channel_id]).toEqual([202, 'queued', 'sms1']);
  });

  it('gzip sent chunked, in pieces of 7 bytes → 202 queued', async () => {
    const zipped = gzipSync(SMS);
    let chunks = '';
    for (let at = 0; at < zipped.length; at += 7) {
      const piece = zipped.subarray(at, at + 7);
      chunks += `${piece.length.toString(16)}\r\n${piece.toString('latin1')}\r\n`;
    }
    const head = `POST /api/v1/sms/messages HTTP/1.1\r\nHost: x\r\nX-Octopods-Auth: ${channelKey}\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
    const r = await rawRequest(port, Buffer.from(`${head}${chunks}0\r\n\r\n`, 'latin1'), { keepOpen: true });
    expect([r.status, r.body?.status]).toEqual([202, 'queued']);
  });

  it('gzip of a body that is not JSON → 422 field body, the same answer as sent plain', async () => {
    const r = await post(gzipSync('{"destination_phone": '), { encoding: 'gzip' });
    expect([r.status, r.body?.code, r.body?.field, r.body?.error]).toEqual([422, 'invalid_request', 'body', 'the request body is not valid JSON']);
  });

  it('the key is still judged first: gzip of a body that is not JSON, without a key → 401 missing_key', async () => {
    const r = await post(gzipSync('not json'), { encoding: 'gzip', key: null });
    expect(answerOf(r)).toEqual([401, 'unauthorized', 'missing_key']);
  });

  it('on one connection, a gzip request, a plain one and a gzip one again: each answered 202', async () => {
    const zipped = gzipSync(SMS);
    const r = await rawRequest(port, Buffer.concat([
      bytesOf(zipped, { encoding: 'gzip', keepAlive: true }), bytesOf(SMS, { keepAlive: true }), bytesOf(zipped, { encoding: 'gzip' }),
    ]), { keepOpen: true });
    expect([...r.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]))).toEqual([202, 202, 202]);
  });
});

describe('a coding the verifier does not decode → 415 with Accept-Encoding', () => {
  // Brotli too: its decoder would hold up to 16 MiB a request (see content-coding.ts).
  it.each([['br', brotliCompressSync(SMS)], ['compress', SMS], ['zstd', SMS], ['gzip, compress', gzipSync(SMS)], ['gzip, gzip', gzipSync(gzipSync(SMS))]])(
    'Content-Encoding: %s', async (encoding, body) => {
      const r = await post(body, { encoding });
      expect(answerOf(r)).toEqual([415, 'unsupported_media_type', 'unsupported_media_type']);
      expect(r.body?.error).toBe(`Content-Encoding "${encoding}" is not supported: send the body unencoded, or in one of gzip, deflate`);
      expect(acceptEncoding(r)).toBe('gzip, deflate');
    });

  it('two Content-Encoding lines are a list of two codings', async () => {
    const r = await post(gzipSync(SMS), { encoding: 'gzip', extra: 'Content-Encoding: gzip\r\n' });
    expect(answerOf(r)).toEqual([415, 'unsupported_media_type', 'unsupported_media_type']);
  });

  it('is answered from the headers, before the key is judged (as a 413 is)', async () => {
    const r = await post(SMS, { encoding: 'compress', key: null });
    expect(answerOf(r)).toEqual([415, 'unsupported_media_type', 'unsupported_media_type']);
  });
});

describe('a body that does not decode → 400 undecodable_body, saying so', () => {
  const zipped = gzipSync(SMS);
  it.each([
    ['plain JSON labelled gzip', 'gzip', SMS, /^The request body could not be decoded as gzip: incorrect header check$/],
    ['gzip cut short', 'gzip', zipped.subarray(0, zipped.length - 10), /^The request body could not be decoded as gzip: unexpected end of file$/],
    ['gzip with its deflate data garbled', 'gzip', Buffer.concat([zipped.subarray(0, 10), Buffer.alloc(20, 0xff), zipped.subarray(30)]), /^The request body could not be decoded as gzip: /],
    ['plain JSON labelled deflate', 'deflate', SMS, /^The request body could not be decoded as deflate: /],
    ['one byte labelled deflate', 'deflate', Buffer.from('x'), /^The request body could not be decoded as deflate: /],
  ])('%s', async (_name, encoding, body, message) => {
    const r = await post(body, { encoding });
    expect(answerOf(r)).toEqual([400, 'bad_request', 'undecodable_body']);
    expect(r.body?.error).toMatch(message);
  });
});

/** An SMS whose JSON is exactly `size` bytes. */
function smsOf(size: number): Buffer {
  const shell = JSON.stringify({ destination_phone: '+15551234567', body: '' });
  return Buffer.from(JSON.stringify({ destination_phone: '+15551234567', body: 'a'.repeat(size - shell.length) }));
}

describe('the 1 MiB limit counts decoded bytes', () => {
  it.each([['gzip', gzipSync], ['deflate', deflateSync], ['deflate, sent raw', deflateRawSync]] as const)(
    'a %s bomb (50 MiB of zeros), eight at once → 413, with bounded memory', async (name, compress) => {
      const bomb = compress(Buffer.alloc(50 * MiB));
      const encoding = name.replace(/,.*/, '');
      expect(bomb.length).toBeLessThan(MiB / 4);
      const before = peakMiB(serve.proc.pid!);
      const answers = await Promise.all(Array.from({ length: 8 }, () => post(bomb, { encoding })));
      for (const r of answers) expect(answerOf(r)).toEqual([413, 'payload_too_large', 'payload_too_large']);
      // Inflating the bombs whole would take 400 MiB; cut off at the limit they hold about 8.
      if (before !== null) expect(peakMiB(serve.proc.pid!)! - before).toBeLessThan(48);
    });

  it('a body of exactly 1 MiB once decoded → 202; one byte more → 413', async () => {
    const ok = await post(gzipSync(smsOf(MiB)), { encoding: 'gzip' });
    expect([ok.status, ok.body?.status]).toEqual([202, 'queued']);
    const over = await post(gzipSync(smsOf(MiB + 1)), { encoding: 'gzip' });
    expect(answerOf(over)).toEqual([413, 'payload_too_large', 'payload_too_large']);
  });
});

describe('a UTF-8 byte-order mark before the JSON is accepted', () => {
  it.each([
    ['sent plain', () => post(Buffer.concat([BOM, SMS]))],
    ['inside gzip', () => post(gzipSync(Buffer.concat([BOM, SMS])), { encoding: 'gzip' })],
  ])('%s → 202 queued', async (_name, send) => {
    const r = await send();
    expect([r.status, r.body?.status]).toEqual([202, 'queued']);
  });

  it('on POST /v1/keys/verify → 200 with the verdict', async () => {
    const r = await post(Buffer.concat([BOM, Buffer.from(JSON.stringify({ key: channelKey }))]), { path: '/v1/keys/verify', key: null });
    expect([r.status, r.body?.valid]).toEqual([200, true]);
  });

  it('one mark only: two are not JSON → 422 field body', async () => {
    const r = await post(Buffer.concat([BOM, BOM, SMS]));
    expect([r.status, r.body?.field]).toEqual([422, 'body']);
  });
});

/** Ends our side once a whole JSON answer is in: a refusal may linger for a body still to come. */
function endOnAnswer(socket: Socket): void {
  let text = '';
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1');
    if (parseAnswer(text, false).body) socket.end();
  });
}

describe('Expect: 100-continue', () => {
  const expecting = (length: number, opts: Post = {}) => headOf(length, { ...opts, extra: 'Expect: 100-continue\r\n' });

  it.each([
    ['a Content-Length over 1 MiB', () => expecting(2 * MiB), [413, 'payload_too_large', 'payload_too_large']],
    ['a coding it does not decode', () => expecting(SMS.length, { encoding: 'compress' }), [415, 'unsupported_media_type', 'unsupported_media_type']],
  ])('%s: refused instead of the 100, so the body is never sent', async (_name, head, answer) => {
    // Only the headers, and the socket closed by us once a whole answer is in: a server that said
    // 100 Continue would then wait for the body in vain.
    const r = await rawRequest(port, head(), { keepOpen: true, drive: endOnAnswer });
    expect(r.text).not.toContain('100 Continue');
    expect(answerOf(r)).toEqual(answer);
    expect(r.text).toMatch(/\r\nConnection: close\r\n/);
  });

  it('clients that send their 2 MiB body without waiting still read the 413 (no 100), thirty-two at once', async () => {
    const request = Buffer.concat([Buffer.from(expecting(2 * MiB), 'latin1'), Buffer.alloc(2 * MiB, 'a')]);
    const answers = await Promise.all(Array.from({ length: 32 }, () => rawRequest(port, request, { keepOpen: true })));
    for (const r of answers) {
      expect(r.text).not.toContain('100 Continue');
      expect(answerOf(r)).toEqual([413, 'payload_too_large', 'payload_too_large']);
      expect(r.closedByServer).toBe(true);
    }
  });

  it('an acceptable request gets its 100 Continue, then its answer once the body is sent', async () => {
    let interim: string | null = null;
    const r = await rawRequest(port, expecting(SMS.length), {
      keepOpen: true,
      drive: (socket) => socket.once('data', (d: Buffer) => {
        interim = d.toString('latin1');
        socket.end(SMS);
      }),
    });
    expect(interim).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    const final = parseAnswer(r.text.slice(interim!.length), r.closedByServer);
    expect([final.status, final.body?.status]).toEqual([202, 'queued']);
  });

  it('another expectation → 417 with a JSON body', async () => {
    const r = await post(SMS, { extra: 'Expect: something-else\r\n' });
    expect(answerOf(r)).toEqual([417, 'expectation_failed', 'expectation_failed']);
    expect(r.body?.error).toBe('Expect "something-else" is not supported: only 100-continue is');
  });
});

describe('after all of it', () => {
  it('the request log names each refusal, and never the key', async () => {
    await new Promise((resolve) => setTimeout(resolve, 100)); // the request log is written once per turn
    const output = serve.stdout() + serve.stderr();
    for (const line of ['400 - undecodable_body', '413 - payload_too_large', '415 - unsupported_media_type', '417 - expectation_failed']) {
      expect(output).toContain(`POST /api/v1/sms/messages ${line}`);
    }
    expect(output).not.toContain(channelKey);
  });
});
