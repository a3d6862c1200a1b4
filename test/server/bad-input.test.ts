import { beforeAll, describe, expect, it } from 'vitest';
import { KEY_PATTERN_SOURCE } from '../../src/core/key-format.js';
import type { Sandbox } from '../helpers/cli.js';
import { portOf, rawRequest, type RawAnswer } from '../helpers/raw-http.js';
import { peakMiB, servesThroughout, smsSandbox } from '../helpers/serve-suite.js';
import { request, startServe, type RunningServe } from '../helpers/serve.js';

/**
 * Hostile and broken input to `octo serve --port 0`, a real process on 127.0.0.1, mostly over raw
 * sockets. After every case: no 5xx, the process alive, `GET /healthz` 200. At the end, no key in
 * anything the server printed. Timeouts are shortened through the environment (1 s for headers, 2 s
 * for the whole request) so that the slow-client cases take a second, not a minute.
 */
let sandbox: Sandbox;
let serve: RunningServe;
let port: number;
let channelKey: string;
let bearerKey: string;
const SMS = JSON.stringify({ destination_phone: '+15551234567', body: 'Hello from Octopods.' });

beforeAll(async () => {
  ({ sandbox, channelKey } = await smsSandbox());
  bearerKey = (await sandbox.json<{ secret: string }>(['keys', 'create', 'bearer', '--name', 'ci'])).secret;
  sandbox.env.OCTO_SERVE_HEADERS_TIMEOUT = '1s';
  sandbox.env.OCTO_SERVE_REQUEST_TIMEOUT = '2s';
  serve = await startServe(sandbox);
  port = portOf(serve.url);
});

servesThroughout(() => ({ serve, sandbox }));

const sms = (headers: string, body = SMS) =>
  `POST /api/v1/sms/messages HTTP/1.1\r\nHost: x\r\n${headers}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
const get = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`;

describe('malformed HTTP never reaches a 5xx', () => {
  // [case, request bytes (a function: the keys exist only once beforeAll ran), status]
  const rows: [string, () => string, number][] = [
    ['a request line that is not HTTP', () => '\x00\x01 NOT HTTP AT ALL\r\n\r\n', 400],
    ['an unknown HTTP version', () => 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n', 400],
    ['the HTTP/2 preface', () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400],
    ['a space in the target', () => 'GET /v1/po sts HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['bare LF line ends', () => 'GET /healthz HTTP/1.1\nHost: x\n\n', 400],
    ['an unknown method', () => `FOO /v1/posts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${bearerKey}\r\n\r\n`, 400],
    ['a NUL byte in the auth header', () => sms(`X-Octopods-Auth: ${channelKey}\x00\r\n`), 400],
    ['a NUL byte in another header', () => sms(`X-Octopods-Auth: ${channelKey}\r\nX-Note: a\x00b\r\n`), 400],
    ['a control character in a header', () => get('/v1/posts', `Authorization: Bearer ${bearerKey}\x01\r\n`), 400],
    ['a 70 KB header', () => get('/v1/posts', `Authorization: Bearer ${bearerKey}\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n`), 431],
    ['Content-Length and Transfer-Encoding both', () =>
      `POST /api/v1/sms/messages HTTP/1.1\r\nHost: x\r\nX-Octopods-Auth: ${channelKey}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
    ['two different Content-Lengths', () => `POST /v1/posts HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab`, 400],
    ['a negative Content-Length', () => 'POST /v1/posts HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400],
    ['a Content-Length past 2^64', () => 'POST /v1/posts HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n', 400],
    ['a broken chunk size', () => 'POST /v1/posts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
    ['a method node knows but the verifier does not serve', () => get('/v1/posts').replace('GET', 'PROPFIND'), 405],
    ['OPTIONS on an Octopods endpoint', () => get('/api/v1/sms/messages').replace('GET', 'OPTIONS'), 405],
    ['percent-encoding that does not decode', () => get('/v1/%zz', `Authorization: Bearer ${bearerKey}\r\n`), 404],
    ['a bad escape in a template name', () => get('/api/v1/whatsapp/templates/%E0%A4%A').replace('GET', 'DELETE'), 401],
    ['traversal out of /v1', () => sms(`X-Octopods-Auth: ${channelKey}\r\n`).replace('/api/v1/sms', '/v1/../api/v1/sms'), 404],
    ['encoded traversal', () => get('/%2e%2e/healthz'), 404],
    ['encoded slashes', () => get('/v1/%2e%2e%2fapi%2fv1/posts', `Authorization: Bearer ${bearerKey}\r\n`), 404],
    ['an absolute-form target', () => get('http://elsewhere/healthz'), 404],
    ['the asterisk target', () => get('*').replace('GET', 'OPTIONS'), 404],
    ['a non-ASCII key', () => get('/v1/posts', 'Authorization: Bearer \xff\xfe\r\n'), 401],
  ];

  it.each(rows)('%s', async (_name, bytes, status) => {
    const r = await rawRequest(port, Buffer.from(bytes(), 'latin1'));
    expect(r.status).toBe(status);
    expect(r.closedByServer).toBe(true);
    // SPEC §6: every error body is JSON, node's own refusals included.
    expect(r.body).toMatchObject({ error: expect.any(String), code: expect.any(String), reason: expect.any(String) });
  });
});

describe('duplicated credentials are malformed_header, whatever the case of the names', () => {
  it.each([
    ['X-Octopods-Auth twice, same key', () => sms(`X-Octopods-Auth: ${channelKey}\r\nX-Octopods-Auth: ${channelKey}\r\n`)],
    ['X-Octopods-Auth twice, one empty', () => sms(`X-Octopods-Auth: ${channelKey}\r\nx-octopods-auth: \r\n`)],
    ['x-octopods-auth in two spellings', () => sms(`x-octopods-auth: ${channelKey}\r\nX-OCTOPODS-AUTH: ${channelKey}\r\n`)],
    ['Authorization twice', () => get('/v1/posts', `Authorization: Bearer ${bearerKey}\r\nauthorization: Bearer ${bearerKey}\r\n`)],
  ])('%s → 401 malformed_header', async (_name, bytes) => {
    const r = await rawRequest(port, bytes());
    expect([r.status, r.body?.code, r.body?.reason]).toEqual([401, 'unauthorized', 'malformed_header']);
  });

  it('one of each header is not a duplicate: the endpoint reads its own', async () => {
    const r = await rawRequest(port, get('/v1/posts', `Authorization: Bearer ${bearerKey}\r\nX-Octopods-Auth: ${channelKey}\r\n`));
    expect([r.status, r.body?.ok]).toEqual([200, true]);
  });
});

describe('bodies', () => {
  const post = (path: string, body: string) => request(`${serve.url}${path}`, 'POST', { 'X-Octopods-Auth': channelKey }, body);

  it.each([['not JSON', '{"destination_phone": '], ['empty', ''], ['[]', '[]'], ['"x"', '"x"'], ['null', 'null'], ['a number', '42'], ['two noncharacters', '\uFFFD\uFFFE']])(
    'an SMS body that is %s → 422 field body', async (_name, body) => {
      const r = await post('/api/v1/sms/messages', body);
      expect([r.status, r.body.code, r.body.field]).toEqual([422, 'invalid_request', 'body']);
    });

  it.each([['[]'], ['"x"'], ['null'], ['not json']])('POST /v1/keys/verify with %s → 422', async (body) => {
    const r = await post('/v1/keys/verify', body);
    expect([r.status, r.body.code, r.body.field]).toEqual([422, 'invalid_request', 'body']);
  });

  it('a JSON body with __proto__ and deep nesting is only data', async () => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    const r = await post('/api/v1/sms/messages', `{"__proto__": {"channel_id": "sms1"}, "constructor": ${deep}}`);
    expect([r.status, r.body.field]).toEqual([422, 'destination_phone']);
  });
});

describe('how a body arrives', () => {
  const head = (framing: string) => `POST /api/v1/sms/messages HTTP/1.1\r\nHost: x\r\nX-Octopods-Auth: ${channelKey}\r\n${framing}\r\n`;
  const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

  it.each([
    ['with Content-Length', () => head(`Content-Length: ${Buffer.byteLength(SMS)}\r\n`) + SMS],
    ['chunked, in three chunks', () => head('Transfer-Encoding: chunked\r\n') + chunk(SMS.slice(0, 10)) + chunk(SMS.slice(10, 30)) + chunk(SMS.slice(30)) + '0\r\n\r\n'],
  ])('%s: the body is read whole, 202', async (_name, bytes) => {
    const r = await rawRequest(port, bytes());
    expect([r.status, r.body?.status]).toEqual([202, 'queued']);
  });

  it('trickled in pieces after the headers: 202 once the last piece arrives', async () => {
    const r = await rawRequest(port, head(`Content-Length: ${Buffer.byteLength(SMS)}\r\n`), {
      keepOpen: true,
      drive: (socket) => {
        let at = 0;
        const next = () => {
          socket.write(SMS.slice(at, at + 8));
          at += 8;
          if (at < SMS.length) setTimeout(next, 20);
          else socket.end();
        };
        setTimeout(next, 20);
      },
    });
    expect([r.status, r.body?.status]).toEqual([202, 'queued']);
  });

  it.each([['no Content-Length', ''], ['Content-Length: 0', 'Content-Length: 0\r\n']])('%s: an empty body, 422 field body', async (_name, framing) => {
    const r = await rawRequest(port, head(framing));
    expect([r.status, r.body?.code, r.body?.field]).toEqual([422, 'invalid_request', 'body']);
  });

  it('on one connection, a request without a body, one with, and one without again: each answered', async () => {
    const get = `GET /v1/posts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${bearerKey}\r\n\r\n`;
    const post = head(`Content-Length: ${Buffer.byteLength(SMS)}\r\n`) + SMS;
    // Sent at once and kept open (a half-closed client gets only its first answer from node); the
    // last request asks the server to close.
    const r = await rawRequest(port, get + post + get.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'), { keepOpen: true });
    expect(r.closedByServer).toBe(true);
    expect([...r.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]))).toEqual([200, 202, 200]);
  });
});

/** Sends `size` bytes of body (a declared length may be larger, then the client never finishes). */
function upload(chunked: boolean, size = 5 * 1024 * 1024, declared = size, close = false): Promise<RawAnswer> {
  const head = `POST /api/v1/sms/messages HTTP/1.1\r\nHost: x\r\nX-Octopods-Auth: ${channelKey}\r\n${close ? 'Connection: close\r\n' : ''}` +
    (chunked ? 'Transfer-Encoding: chunked\r\n\r\n' : `Content-Length: ${declared}\r\n\r\n`);
  const piece = Buffer.alloc(64 * 1024, 'a');
  const framed = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
  return rawRequest(port, head, {
    keepOpen: true,
    drive: (socket) => {
      let sent = 0;
      const pump = () => {
        while (sent < size && !socket.destroyed) {
          sent += piece.length;
          if (!socket.write(framed)) return void socket.once('drain', pump);
        }
        if (!socket.destroyed && sent >= declared) socket.end(chunked ? '0\r\n\r\n' : '');
      };
      pump();
    },
  });
}

describe('a 5 MiB body', () => {
  // Thirty-two at once: closing the connection while the client still sent used to lose some of the 413s.
  it.each([['with Content-Length', false], ['chunked', true]])('%s: 413, thirty-two at once, without buffering them', async (_name, chunked) => {
    const before = peakMiB(serve.proc.pid!);
    const answers = await Promise.all(Array.from({ length: 32 }, () => upload(chunked)));
    for (const r of answers) {
      expect([r.status, r.body?.code]).toEqual([413, 'payload_too_large']);
      expect(r.closedByServer).toBe(true);
    }
    // Buffering the bodies whole would add 160 MiB; the 1 MiB limit per request bounds it near 32 MiB.
    if (before !== null) expect(peakMiB(serve.proc.pid!)! - before).toBeLessThan(64);
  });

  it('from clients that send Connection: close too: 413, thirty-two at once', async () => {
    const answers = await Promise.all(Array.from({ length: 32 }, (_, i) => upload(i % 2 === 0, 5 * 1024 * 1024, 5 * 1024 * 1024, true)));
    for (const r of answers) expect([r.status, r.body?.code]).toEqual([413, 'payload_too_large']);
  });

  it('a body that never ends after its 413 is cut off by the request timeout', async () => {
    // 64 MiB sent of a declared terabyte: the client would go on; only the server can stop it.
    const r = await upload(false, 64 * 1024 * 1024, 1e12);
    expect([r.status, r.body?.code, r.closedByServer]).toEqual([413, 'payload_too_large', true]);
  });
});

describe('slow clients', () => {
  it('headers trickled byte by byte are cut off by the header timeout with a 408', async () => {
    const text = `GET /v1/posts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${bearerKey}\r\nX-Pad: ${'a'.repeat(100)}\r\n\r\n`;
    let timer: NodeJS.Timeout | undefined;
    let sent = 1;
    const r = await rawRequest(port, text[0]!, {
      keepOpen: true,
      // At 4 bytes a second the headers would take over 40 s: only the server's timeout ends this.
      drive: (socket) => (timer = setInterval(() => !socket.destroyed && sent < text.length && socket.write(text[sent++]!), 250)),
      deadlineMs: 15_000,
    });
    clearInterval(timer);
    expect(r.closedByServer).toBe(true);
    expect(sent).toBeLessThan(text.length);
    expect([r.status, r.body?.code]).toEqual([408, 'request_timeout']);
  });

  it('a stalled body is cut off by the request timeout with a 408', async () => {
    const r = await rawRequest(port, `POST /api/v1/sms/messages HTTP/1.1\r\nHost: x\r\nX-Octopods-Auth: ${channelKey}\r\nContent-Length: 100\r\n\r\n{`, {
      keepOpen: true,
      deadlineMs: 15_000,
    });
    expect(r.closedByServer).toBe(true);
    expect([r.status, r.body?.code]).toEqual([408, 'request_timeout']);
  });

  it('refuses a timeout variable that is not a duration, naming it', async () => {
    const r = await sandbox.run(['serve', '--port', '0'], { env: { OCTO_SERVE_HEADERS_TIMEOUT: '500ms' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: invalid duration for OCTO_SERVE_HEADERS_TIMEOUT: "500ms"\nhint: /);
  });
});

describe('after all of it', () => {
  it('no key appears in anything the server printed', async () => {
    // The request log is written in order: once a last request's line is out, every earlier one is.
    expect((await request(`${serve.url}/v1/after-all`, 'GET')).status).toBe(404);
    await serve.until('stdout', (out) => out.includes('GET /v1/after-all 404'), 'log line for the last request');
    const output = serve.stdout() + serve.stderr();
    expect(output).toMatch(/POST \/api\/v1\/sms\/messages 413/);
    for (const key of [channelKey, bearerKey]) expect(output).not.toContain(key);
    expect(output).not.toMatch(new RegExp(KEY_PATTERN_SOURCE));
  });
});
