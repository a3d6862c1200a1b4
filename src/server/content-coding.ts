import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Transform } from 'node:stream';

/**
 * The content codings a request body may come in (RFC 9110 §8.4), decoded as the body arrives. Only
 * requests that send Content-Encoding come here: a plain body never touches zlib. Not Brotli: its
 * decoder takes the window the sender declares, up to 16 MiB a request (measured with 1 MiB of
 * output held: 16.7 MiB per Brotli decoder, 1.1 per gzip one), where other bodies cost the limit.
 */
export type Coding = 'gzip' | 'deflate';

/** What a 415 lists in Accept-Encoding (RFC 9110 §12.5.3). */
export const ACCEPTED_CODINGS = 'gzip, deflate';

const NAMES: Record<string, Coding | 'identity'> = { 'gzip': 'gzip', 'x-gzip': 'gzip', 'deflate': 'deflate', 'identity': 'identity', '': 'identity' };

/**
 * The coding a Content-Encoding value names: one that is decoded, 'identity' (none, or an empty
 * value), or null for anything else, a list of several codings included (`gzip, gzip`), since the
 * 1 MiB limit is counted after the one decoding done here.
 */
export function codingOf(value: string): Coding | 'identity' | null {
  return NAMES[value.trim().toLowerCase()] ?? null;
}

/** What became of an encoded body: its decoded bytes, or why there are none. */
export type Decoded = { body: Buffer } | { refused: 'too_large' } | { refused: 'undecodable'; message: string };

/**
 * Streams the body through its decoder as it arrives and counts what comes out, so that a small body
 * that inflates past `limit` (a zip bomb) is cut off there: at most `limit` bytes, sent or decoded,
 * are ever held. `done` is called once; after a refusal the rest of the body is read and dropped.
 */
export function readDecoded(req: IncomingMessage, coding: Coding, limit: number, done: (decoded: Decoded) => void): void {
  const chunks: Buffer[] = [];
  let sent = 0;
  let size = 0;
  let over = false;
  const finish = (decoded: Decoded) => {
    over = true;
    decoder.destroy();
    done(decoded);
  };
  const decoder = new BodyDecoder(coding, {
    data: (chunk) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) return finish({ refused: 'too_large' });
      chunks.push(chunk);
    },
    end: () => {
      if (!over) finish({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
    },
    error: (message) => {
      if (!over) finish({ refused: 'undecodable', message });
    },
  });
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    sent += chunk.length;
    if (sent > limit) return finish({ refused: 'too_large' });
    decoder.write(chunk);
  });
  req.on('end', () => {
    if (!over) decoder.end();
  });
  req.on('error', () => {
    over = true;
    decoder.destroy();
  });
}

/** node:zlib, loaded by the first encoded body: a verifier whose clients send none never loads it. */
let loaded: typeof import('node:zlib') | undefined;

function zlib(): typeof import('node:zlib') {
  loaded ??= createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib');
  return loaded;
}

/** Output per zlib call: 64 KiB takes a 1 MiB body in 16 trips to the thread pool, not 64. */
const CHUNK = 64 * 1024;

interface DecodedSink {
  data(chunk: Buffer): void;
  end(): void;
  error(message: string): void;
}

/**
 * Feeds a body through its decoder. `deflate` means a zlib stream (RFC 9110 §8.4.1.2), but many
 * clients send raw deflate under that name: the first two bytes tell which (a zlib header names
 * method 8 and is a multiple of 31).
 */
class BodyDecoder {
  private stream: Transform | null = null;
  private pending: Buffer | null = null;

  constructor(private readonly coding: Coding, private readonly sink: DecodedSink) {
    if (coding === 'gzip') this.open(zlib().createGunzip({ chunkSize: CHUNK }));
  }

  write(chunk: Buffer): void {
    if (this.stream) return void this.stream.write(chunk);
    const start = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    if (start.length < 2) return void (this.pending = start);
    this.pending = null;
    this.open(isZlibHeader(start) ? zlib().createInflate({ chunkSize: CHUNK }) : zlib().createInflateRaw({ chunkSize: CHUNK }));
    this.stream!.write(start);
  }

  end(): void {
    // Fewer than two bytes of deflate: zlib itself says it is cut short.
    if (!this.stream) this.open(zlib().createInflate());
    if (this.pending) this.stream!.write(this.pending);
    this.stream!.end();
  }

  destroy(): void {
    this.stream?.destroy();
  }

  private open(stream: Transform): void {
    this.stream = stream;
    stream.on('data', (chunk: Buffer) => this.sink.data(chunk));
    stream.on('end', () => this.sink.end());
    stream.on('error', (err) => this.sink.error(`The request body could not be decoded as ${this.coding}: ${err.message}`));
  }
}

function isZlibHeader(b: Buffer): boolean {
  return (b[0]! & 0x0f) === 8 && ((b[0]! << 8) | b[1]!) % 31 === 0;
}
