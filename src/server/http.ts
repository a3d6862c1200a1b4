import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { OctoError } from '../core/errors.js';
import type { VerdictExtras } from '../core/outcomes.js';
import { codingOf, readDecoded, type Decoded } from './content-coding.js';
import type { Later, LaterHandler } from './handler.js';
import { BODY_LIMIT, expectationFailed, plain, refuseMalformed, tooLarge, undecodable, unsupportedCoding } from './refusals.js';
import type { HandlerResponse, PeerInfo, RequestHeaders } from './types.js';

/**
 * The thin node:http adapter around the pure handler: it reads the body (at most BODY_LIMIT bytes,
 * after decoding its Content-Encoding, else 413), passes only the two auth headers, writes the
 * answer, reports each request to `log`, and closes gracefully: no new connections, in-flight
 * requests finish, then `close()` resolves.
 */

/** How long a client may take: to send its headers, and to send the whole request. */
export interface ServerTimeouts {
  headersMs: number;
  requestMs: number;
}

const DEFAULT_TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 30_000 };

export interface RequestLog {
  method: string;
  /** Raw path as received; the logger scrubs it. */
  path: string;
  status: number;
  keyId: string | null;
  reason: string;
  /** For the request journal; the request log does not print them. */
  code?: string;
  extras?: VerdictExtras | null;
  ms: number;
}

export interface HttpOptions {
  host: string;
  port: number;
  /** Over SQLite the answer comes at once; the adapter also waits for one that comes later. */
  handler: LaterHandler;
  log: (entry: RequestLog) => void;
  onError: (err: unknown) => void;
  /** Each one not given keeps its default. */
  timeouts?: Partial<ServerTimeouts>;
  /**
   * Offered every request first (the dashboard of `serve --ui`): true when it took the request and
   * answers it itself; the verifier then never sees it and it is not in the request log.
   */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(opts: HttpOptions): Promise<RunningServer> {
  let closing = false;
  const { headersMs, requestMs } = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const server = createServer({
    // Slow or stalled clients cannot hold a connection open forever (node refuses headers > request).
    headersTimeout: Math.min(headersMs, requestMs),
    requestTimeout: requestMs,
    // node enforces both timeouts only when it sweeps its connections, every 30 s by default: a
    // client trickling its headers then held a socket for up to 40 s, not the 10 s we promise.
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.min(headersMs, requestMs) / 4)),
    keepAliveTimeout: 5_000,
  }, (req, res) => {
    if (opts.intercept?.(req, res)) return;
    serveOne(req, res, opts, () => closing);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(listenError(err as NodeJS.ErrnoException, opts)));
    server.listen(opts.port, opts.host, () => resolve());
  });
  server.on('error', opts.onError);
  server.on('clientError', refuseMalformed);
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => checkContinue(req, res, opts, () => closing));
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    send(req, res, opts, closing, performance.now(), expectationFailed(req), true);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
    port,
    close: () => {
      closing = true;
      return shutdown(server);
    },
  };
}

const NO_BODY = new Uint8Array(0);

function serveOne(req: IncomingMessage, res: ServerResponse, opts: HttpOptions, closing: () => boolean, known?: RequestHead): void {
  const started = performance.now();
  const head = known ?? readHead(req.rawHeaders);
  // No Transfer-Encoding and no (or a zero) Content-Length: the request has no body (RFC 9112
  // §6.3), so it is answered now; node reads the (empty) rest of the request itself, as it does
  // for a handler that never reads the body.
  if (!head.contentLength && !head.chunked) return reply(req, res, opts, closing, started, answer(req, opts, head, NO_BODY), false);
  const refusal = refusalOf(head);
  if (refusal) {
    req.resume();
    return send(req, res, opts, closing(), started, refusal, true);
  }
  if (head.encoding !== null) {
    const coding = codingOf(head.encoding);
    if (coding !== null && coding !== 'identity') {
      return readDecoded(req, coding, BODY_LIMIT, (decoded) => reply(req, res, opts, closing, started, decodedAnswer(req, opts, head, decoded), true));
    }
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  req.on('data', (chunk: Buffer) => {
    if (done) return;
    size += chunk.length;
    if (size > BODY_LIMIT) {
      done = true;
      send(req, res, opts, closing(), started, tooLarge(), true);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (done) return;
    done = true;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    reply(req, res, opts, closing, started, answer(req, opts, head, body), false);
  });
  req.on('error', () => {
    done = true;
  });
}

/** What the headers alone refuse, before any of the body is read (or, under Expect, sent). */
function refusalOf(head: RequestHead): HandlerResponse | null {
  if ((head.contentLength ?? 0) > BODY_LIMIT) return tooLarge();
  if (head.encoding !== null && codingOf(head.encoding) === null) return unsupportedCoding(head.encoding);
  return null;
}

/**
 * `Expect: 100-continue`: the client waits for a 100 before it uploads, so what the headers refuse is
 * answered instead of the 100 and the body is never sent. node then closes the connection, once the
 * refusal has lingered as any other does (a client need not wait, and may be sending already).
 */
function checkContinue(req: IncomingMessage, res: ServerResponse, opts: HttpOptions, closing: () => boolean): void {
  const head = readHead(req.rawHeaders);
  if (!refusalOf(head)) res.writeContinue();
  serveOne(req, res, opts, closing, head);
}

function decodedAnswer(req: IncomingMessage, opts: HttpOptions, head: RequestHead, decoded: Decoded): Later<HandlerResponse> {
  if ('body' in decoded) return answer(req, opts, head, decoded.body);
  // Like a malformed request, and like a 413, answered before the key is judged.
  return decoded.refused === 'too_large' ? tooLarge() : undecodable(decoded.message);
}

function answer(req: IncomingMessage, opts: HttpOptions, head: RequestHead, body: Uint8Array): Later<HandlerResponse> {
  try {
    return opts.handler(req.method ?? 'GET', req.url ?? '/', head.auth, body, new SocketPeer(req));
  } catch (err) {
    return internalError(opts, err);
  }
}

function internalError(opts: HttpOptions, err: unknown): HandlerResponse {
  opts.onError(err);
  return plain(500, 'Internal error in the verifier', 'internal');
}

/** Sends an answer now, or once it comes (never over SQLite, whose answers are all at once). */
function reply(
  req: IncomingMessage, res: ServerResponse, opts: HttpOptions, closing: () => boolean, started: number, answer: Later<HandlerResponse>, beforeBodyEnds: boolean,
): void {
  if (answer instanceof Promise) return replyLater(req, res, opts, closing, started, answer, beforeBodyEnds);
  send(req, res, opts, closing(), started, answer, beforeBodyEnds);
}

function replyLater(
  req: IncomingMessage, res: ServerResponse, opts: HttpOptions, closing: () => boolean, started: number, answer: Promise<HandlerResponse>, beforeBodyEnds: boolean,
): void {
  answer.then(
    (later) => send(req, res, opts, closing(), started, later, beforeBodyEnds),
    (err: unknown) => send(req, res, opts, closing(), started, internalError(opts, err), beforeBodyEnds),
  );
}

function send(req: IncomingMessage, res: ServerResponse, opts: HttpOptions, closing: boolean, started: number, answer: HandlerResponse, beforeBodyEnds: boolean): void {
  // While shutting down, no connection is kept alive for a next request.
  if (closing) answer.headers.connection = 'close';
  answer.headers['content-length'] = String(Buffer.byteLength(answer.body));
  res.writeHead(answer.status, answer.headers);
  if (beforeBodyEnds) endAfterBody(req, res, answer.body);
  else res.end(answer.body);
  opts.log({
    method: req.method ?? 'GET', path: req.url ?? '/', status: answer.status, keyId: answer.keyId, reason: answer.reason,
    code: answer.code ?? (answer.status < 400 ? 'ok' : answer.reason), extras: answer.extras ?? null,
    ms: performance.now() - started,
  });
}

/** Where the request came from, asked of the socket only by the one route that needs it. */
class SocketPeer implements PeerInfo {
  constructor(private readonly req: IncomingMessage) {}

  get loopback(): boolean {
    return isLoopback(this.req.socket.remoteAddress);
  }
}

interface RequestHead {
  /** Only the two headers the decision reads, each with every value it was sent with. */
  auth: RequestHeaders;
  /** null when the request has no Content-Length (node has already refused an invalid one). */
  contentLength: number | null;
  chunked: boolean;
  /** Content-Encoding as sent (several lines joined by commas), null when absent. */
  encoding: string | null;
}

/** One pass over the raw headers, instead of node building the whole `req.headers` object. */
function readHead(raw: string[]): RequestHead {
  let octopods: string[] | undefined;
  let authorization: string[] | undefined;
  let contentLength: number | null = null;
  let chunked = false;
  let encoding: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    switch (name.length) {
      case 15:
        if (name.toLowerCase() === 'x-octopods-auth') (octopods ??= []).push(raw[i + 1]!);
        break;
      case 13:
        if (name.toLowerCase() === 'authorization') (authorization ??= []).push(raw[i + 1]!);
        break;
      case 14:
        if (name.toLowerCase() === 'content-length') contentLength = Number(raw[i + 1]);
        break;
      case 16:
        if (name.toLowerCase() === 'content-encoding') encoding = encoding === null ? raw[i + 1]! : `${encoding}, ${raw[i + 1]!}`;
        break;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') chunked = true;
        break;
    }
  }
  return { auth: { 'x-octopods-auth': octopods, authorization }, contentLength, chunked, encoding };
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** How long a refused body may go on arriving before the connection is closed anyway. */
const LINGER_MS = 2_000;

/**
 * Sends an early answer (a 413) at once, but ends the response only once the client has sent its
 * whole body, or after LINGER_MS. Closing a socket that still holds unread data makes the kernel
 * reset it, which can destroy the answer before the client reads it: some of 32 concurrent 5 MiB
 * uploads never saw their 413. The rest of the body is read and thrown away, never kept.
 */
function endAfterBody(req: IncomingMessage, res: ServerResponse, body: string): void {
  if (req.complete) return void res.end(body);
  res.write(body);
  const end = () => {
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timer = setTimeout(end, LINGER_MS);
  req.once('end', end);
  req.once('close', end);
}

/** Stops accepting, lets in-flight requests finish, and gives up on stragglers after 10 s. */
function shutdown(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function listenError(err: NodeJS.ErrnoException, opts: HttpOptions): Error {
  const where = `${opts.host}:${opts.port}`;
  if (err.code === 'EADDRINUSE') {
    return new OctoError('port_in_use', `cannot listen on ${where}: the port is in use`, { hint: 'pass another --port, or --port 0 for a free one' });
  }
  if (err.code === 'EACCES') {
    return new OctoError('port_denied', `cannot listen on ${where}: permission denied`, { hint: 'use a port above 1023, e.g. --port 8787' });
  }
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return new OctoError('bad_host', `cannot listen on ${where}: not an address of this machine`, { hint: 'use --host 127.0.0.1' });
  }
  return err;
}
