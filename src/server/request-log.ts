import type { ChalkInstance } from 'chalk';
import { pathOnly } from '../core/endpoints.js';
import { maskKeysIn } from '../core/find-keys.js';
import type { RequestLog } from './http.js';

/** While stdout is not being read, at most this much log is held; past it lines are counted, not kept. */
const BACKLOG_LIMIT = 1024 * 1024;
/** Logged requests are written at the latest this long after the first of them… */
const FLUSH_MS = 10;
/** …or as soon as this many are waiting. */
const FLUSH_LINES = 512;
/** The most bytes one line can take: a path is clipped to 201 characters, each at most 6 bytes as JSON. */
const MAX_LINE_BYTES = 2048;

/**
 * One line per request (SPEC §6): time, method, path, status, key id, reason, milliseconds, never
 * the key. The query string is dropped and anything shaped like a key in the path is masked, since a
 * client may put a key where it does not belong.
 *
 * Each line goes, as bytes, into one buffer allocated up front as soon as its request is answered
 * (LineWriter: no string per line), and the buffer is written every FLUSH_MS (or every FLUSH_LINES
 * lines): a busy server makes about a hundred write calls a second, and holds nothing per request.
 * When stdout is a pipe nobody reads fast enough, the log waits for it to drain, keeping at most
 * BACKLOG_LIMIT: the verifier's memory stays flat, and the log says how many lines it dropped.
 */
export class RequestLogger {
  private readonly held = Buffer.allocUnsafeSlow(BACKLOG_LIMIT);
  private used = 0;
  /** Lines logged since the last write (held, or dropped while stdout was stuck). */
  private lines = 0;
  private timer: NodeJS.Timeout | null = null;
  private waitingForDrain = false;
  private dropped = 0;
  private readonly line: LineWriter;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly json: boolean,
    c: ChalkInstance,
  ) {
    this.line = new LineWriter(json, c);
  }

  log(entry: RequestLog): void {
    if (this.used > BACKLOG_LIMIT - MAX_LINE_BYTES) this.dropped++;
    else this.used = this.line.write(this.held, this.used, entry, Date.now());
    // While stdout is stuck, lines only gather in the held buffer (or are counted as dropped).
    if (this.waitingForDrain) return;
    if (++this.lines >= FLUSH_LINES) this.flush();
    else this.timer ??= setTimeout(this.flushNow, FLUSH_MS);
  }

  private readonly flushNow = () => this.flush();

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lines = 0;
    if (this.waitingForDrain) return;
    if (this.dropped > 0) {
      const n = this.dropped;
      this.dropped = 0;
      const note = this.json ? JSON.stringify({ event: 'log_dropped', lines: n }) : `(${n} request log lines dropped: stdout was not being read)`;
      this.used += this.held.write(note + '\n', this.used);
    }
    if (this.used === 0) return;
    // A copy: the stream may still hold it after write() returns, while the buffer is refilled.
    const bytes = Buffer.from(this.held.subarray(0, this.used));
    this.used = 0;
    if (!this.stream.write(bytes)) {
      this.waitingForDrain = true;
      this.stream.once('drain', () => {
        this.waitingForDrain = false;
        this.flush();
      });
    }
  }

  /** At shutdown: everything still held is handed to the stream, which Node drains before exiting. */
  close(): void {
    this.waitingForDrain = false;
    this.flush();
  }
}

const NO_BYTES = Buffer.alloc(0);

/**
 * Writes one line as bytes, from pieces kept from the line before: consecutive requests mostly
 * differ only in their time, so the time is encoded once per millisecond and the rest (method,
 * path, status, key id, reason) once per change of any of them. The milliseconds are written digit
 * by digit. The bytes are those of the line as text, which a test checks against JSON.stringify.
 */
class LineWriter {
  private atMs = Number.NaN;
  private atPart = NO_BYTES;
  private method = '';
  private path = '';
  private status = -1;
  private keyId: string | null = null;
  private reason = '';
  private middle = NO_BYTES;
  private readonly tail: Buffer;

  constructor(
    private readonly json: boolean,
    private readonly c: ChalkInstance,
  ) {
    this.tail = Buffer.from(json ? '}\n' : 'ms\n');
  }

  /** Writes the line for `e`, answered at `at` (ms since the epoch), at `offset`; returns the new end. */
  write(buf: Buffer, offset: number, e: RequestLog, at: number): number {
    if (at !== this.atMs) {
      this.atMs = at;
      const iso = new Date(at).toISOString();
      this.atPart = Buffer.from(this.json ? `{"event":"request","at":"${iso}` : `${this.c.dim(iso)} `);
    }
    if (e.path !== this.path || e.status !== this.status || e.keyId !== this.keyId || e.reason !== this.reason || e.method !== this.method) {
      this.method = e.method;
      this.path = e.path;
      this.status = e.status;
      this.keyId = e.keyId;
      this.reason = e.reason;
      this.middle = Buffer.from(this.middleText(e));
    }
    buf.set(this.atPart, offset);
    let end = offset + this.atPart.length;
    buf.set(this.middle, end);
    end = writeHundredths(buf, end + this.middle.length, Math.round(e.ms * 100));
    buf.set(this.tail, end);
    return end + this.tail.length;
  }

  /** Everything between the time and the milliseconds. */
  private middleText(e: RequestLog): string {
    const path = scrubPath(e.path);
    if (this.json) {
      // What JSON.stringify would make of {event, at, method, path, status, key_id, reason, ms}.
      const keyId = e.keyId === null ? 'null' : JSON.stringify(e.keyId);
      return `","method":${JSON.stringify(e.method)},"path":${JSON.stringify(path)},"status":${e.status},"key_id":${keyId},"reason":${JSON.stringify(e.reason)},"ms":`;
    }
    const status = e.status < 300 ? this.c.green(e.status) : e.status < 500 ? this.c.yellow(e.status) : this.c.red(e.status);
    return `${e.method} ${path} ${status} ${e.keyId ?? '-'} ${e.reason} `;
  }
}

/**
 * `String(n / 100)` for a whole number of hundredths, written into `buf` at `offset` without making
 * the string: the whole part, then a point and the hundredths without trailing zeros, if any.
 * Returns the new end.
 */
export function writeHundredths(buf: Buffer, offset: number, n: number): number {
  // Below 1e15 hundredths, the shortest decimal of n / 100 is exactly this one (at most 15 digits).
  if (!(n >= 0 && n < 1e15 && Number.isInteger(n))) return offset + buf.write(String(n / 100), offset, 'latin1');
  const whole = Math.floor(n / 100);
  const fraction = n - whole * 100;
  let digits = 1;
  for (let rest = whole; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let end = offset + digits;
  for (let i = end - 1, rest = whole; i >= offset; i--, rest = Math.floor(rest / 10)) buf[i] = 48 + (rest % 10);
  if (fraction !== 0) {
    buf[end++] = 46;
    buf[end++] = 48 + Math.floor(fraction / 10);
    if (fraction % 10 !== 0) buf[end++] = 48 + (fraction % 10);
  }
  return end;
}

export function scrubPath(raw: string): string {
  const path = pathOnly(raw);
  // Masked before clipped, so that a key cut in two by the clip cannot show its first half; the same
  // rule as every error message (most paths hold no "oct" and pay no regex).
  const scrubbed = maskKeysIn(path);
  return scrubbed.length > 200 ? scrubbed.slice(0, 200) + '…' : scrubbed;
}
