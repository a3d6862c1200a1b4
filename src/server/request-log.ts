import type { ChalkInstance } from 'chalk';
import { pathOnly } from '../core/endpoints.js';
import { KEY_PATTERN_SOURCE, maskKey } from '../core/key-format.js';
import type { RequestLog } from './http.js';

const KEY_IN_TEXT = new RegExp(KEY_PATTERN_SOURCE, 'g');

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
 * A request's entry is only noted when it is answered (with its time); entries are formatted
 * together and written every FLUSH_MS (or every FLUSH_LINES): formatting 500 lines in one loop costs
 * a fraction of formatting each between two requests' worth of other work, and a busy server makes
 * about a hundred write calls a second. The text goes through one buffer allocated up front, so no
 * log string outlives a young-generation collection (holding lines as strings did).
 * When stdout is a pipe nobody reads fast enough, the log waits for it to drain, keeping at most
 * BACKLOG_LIMIT: the verifier's memory stays flat, and the log says how many lines it dropped.
 */
export class RequestLogger {
  private readonly held = Buffer.allocUnsafeSlow(BACKLOG_LIMIT);
  private used = 0;
  private readonly pending: RequestLog[] = [];
  private readonly pendingAt = new Float64Array(FLUSH_LINES);
  private timer: NodeJS.Timeout | null = null;
  private waitingForDrain = false;
  private dropped = 0;
  private readonly clock = new IsoClock();

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly json: boolean,
    private readonly c: ChalkInstance,
  ) {}

  log(entry: RequestLog): void {
    this.pendingAt[this.pending.length] = Date.now();
    this.pending.push(entry);
    if (this.pending.length >= FLUSH_LINES) {
      // While stdout is stuck, lines are formatted into the held buffer (or counted as dropped).
      if (this.waitingForDrain) this.formatPending();
      else this.flush();
      return;
    }
    if (!this.waitingForDrain) this.timer ??= setTimeout(this.flushNow, FLUSH_MS);
  }

  private readonly flushNow = () => this.flush();

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.formatPending();
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

  /** The waiting entries as text in the held buffer, in order; those that do not fit are counted. */
  private formatPending(): void {
    const n = this.pending.length;
    for (let i = 0; i < n; i++) {
      if (this.used > BACKLOG_LIMIT - MAX_LINE_BYTES) {
        this.dropped += n - i;
        break;
      }
      this.used += this.held.write(this.format(this.pending[i]!, this.clock.at(this.pendingAt[i]!)), this.used);
    }
    this.pending.length = 0;
  }

  /** One line, with its newline. */
  private format(e: RequestLog, at: string): string {
    const path = scrubPath(e.path);
    const ms = Math.round(e.ms * 100) / 100;
    if (this.json) {
      // What JSON.stringify would make of {event, at, method, path, status, key_id, reason, ms},
      // without building the object: this line is written for every request.
      const keyId = e.keyId === null ? 'null' : JSON.stringify(e.keyId);
      return `{"event":"request","at":"${at}","method":${JSON.stringify(e.method)},"path":${JSON.stringify(path)},` +
        `"status":${e.status},"key_id":${keyId},"reason":${JSON.stringify(e.reason)},"ms":${ms}}\n`;
    }
    const status = e.status < 300 ? this.c.green(e.status) : e.status < 500 ? this.c.yellow(e.status) : this.c.red(e.status);
    return `${this.c.dim(at)} ${e.method} ${path} ${status} ${e.keyId ?? '-'} ${e.reason} ${ms}ms\n`;
  }
}

/** `new Date(ms).toISOString()`, made once for a run of equal times. */
class IsoClock {
  private ms = -1;
  private text = '';

  at(ms: number): string {
    if (ms !== this.ms) {
      this.ms = ms;
      this.text = new Date(ms).toISOString();
    }
    return this.text;
  }
}

export function scrubPath(raw: string): string {
  const path = pathOnly(raw);
  // Masked before clipped, so that a key cut in two by the clip cannot show its first half. Every
  // key starts with "oct", so most paths need no regex at all.
  const scrubbed = path.includes('oct') ? path.replace(KEY_IN_TEXT, (key) => maskKey(key)) : path;
  return scrubbed.length > 200 ? scrubbed.slice(0, 200) + '…' : scrubbed;
}
