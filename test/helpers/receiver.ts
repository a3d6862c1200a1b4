import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  /** Epoch ms when the whole body had arrived. */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What to answer to the n-th request (from 0): a status, a status after a while, or 'hang' (never answer). */
export type Answer = number | { status: number; afterMs: number } | 'hang';

/** Answers as a real handler does: 204 when `verify` (a receiver library's check) accepts the delivery, else 400. */
export const answerIfVerified = (verify: (req: Received) => unknown) => (_n: number, req: Received): Answer => {
  try {
    verify(req);
    return 204;
  } catch {
    return 400;
  }
};

/**
 * A webhook receiver on 127.0.0.1 (port 0) that records every request, byte for byte, and answers
 * as told. Hung requests are dropped at close().
 */
export class Receiver {
  readonly requests: Received[] = [];
  answer: (n: number, req: Received) => Answer = () => 200;
  private waiters: { done: () => boolean; resolve: () => void }[] = [];

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<Receiver> {
    let self: Receiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => self!.record(req.method ?? '', req.url ?? '', req.headers, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new Receiver(server, `http://127.0.0.1:${port}/hooks`);
    return self;
  }

  private record(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer, res: ServerResponse): void {
    const req: Received = { at: Date.now(), method, path, headers, body };
    const n = this.requests.length;
    this.requests.push(req);
    const answer = this.answer(n, req);
    const reply = (status: number) => res.writeHead(status, { 'Content-Type': 'text/plain' }).end('ok');
    if (typeof answer === 'number') reply(answer);
    else if (answer !== 'hang') setTimeout(() => reply(answer.status), answer.afterMs);
    this.waiters = this.waiters.filter((w) => (w.done() ? (w.resolve(), false) : true));
  }

  /** Resolves once `n` requests have arrived; fails after `timeoutMs`. */
  waitFor(n: number, timeoutMs = 10_000): Promise<void> {
    return this.waitUntil(() => this.requests.length >= n, `${n} requests`, timeoutMs);
  }

  /** Resolves once a request has arrived that makes `done` true; fails after `timeoutMs`. */
  waitUntil(done: (requests: readonly Received[]) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const test = () => done(this.requests);
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`receiver: no ${what} within ${timeoutMs} ms (got ${this.requests.length} requests)`)), timeoutMs);
      this.waiters.push({ done: test, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
