import { connect, type Socket } from 'node:net';

/**
 * HTTP by hand over a TCP socket to 127.0.0.1, for the inputs fetch refuses to send (NUL bytes,
 * conflicting framing, repeated auth headers, trickled headers). Every socket has a deadline.
 */
export interface RawAnswer {
  /** The status of the first response, or null when the server sent nothing. */
  status: number | null;
  /** Everything the server sent, as latin1. */
  text: string;
  /** The JSON body of the first response, when it had one. */
  body: Record<string, unknown> | null;
  /** The server closed the connection (rather than our deadline). */
  closedByServer: boolean;
}

export function portOf(url: string): number {
  return Number(new URL(url).port);
}

/**
 * Sends `data` (ended unless `keepOpen`), then collects the answer until the server closes or
 * `deadlineMs` passes. `drive` may write more over time (a slow client).
 */
export function rawRequest(port: number, data: string | Buffer, opts: { deadlineMs?: number; keepOpen?: boolean; drive?: (s: Socket) => void } = {}): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let byUs = false;
    const deadline = setTimeout(() => {
      byUs = true;
      socket.destroy();
    }, opts.deadlineMs ?? 10_000);
    socket.on('data', (d: Buffer) => chunks.push(d));
    // A reset after the server answered (it closes while we still write) is part of the answer.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(deadline);
      resolve(parseAnswer(Buffer.concat(chunks).toString('latin1'), !byUs));
    });
    if (opts.keepOpen) socket.write(data);
    else socket.end(data);
    opts.drive?.(socket);
  });
}

export function parseAnswer(text: string, closedByServer: boolean): RawAnswer {
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  const split = text.indexOf('\r\n\r\n');
  let body: Record<string, unknown> | null = null;
  if (split !== -1) {
    const head = text.slice(0, split);
    const length = /\r\ncontent-length: (\d+)/i.exec(head);
    const raw = length ? text.slice(split + 4, split + 4 + Number(length[1])) : '';
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
  }
  return { status: status ? Number(status[1]) : null, text, body, closedByServer };
}
