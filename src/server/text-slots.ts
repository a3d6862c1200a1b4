/**
 * `capacity` strings of up to `slotBytes` UTF-8 bytes each, kept as bytes in one buffer allocated
 * up front; a longer string is kept as it is, in an array beside it. For well-formed strings (what
 * decoding UTF-8 or Latin-1 gives): UTF-8 has no bytes for a lone surrogate.
 *
 * Why bytes: the outbox and the journal keep each request's strings (its id, body, path) for
 * thousands of requests, long enough to outlive two scavenges, so V8 promoted every one of them to
 * old space, where they piled up as garbage until a major collection (tens of MiB of RSS under
 * load; BENCHMARKS.md). Copied into the buffer, the request's own strings die young, and the buffer
 * is the only memory the ring holds, whatever the load.
 */
export class TextSlots {
  private readonly bytes: Buffer;
  /** Bytes used in each slot; LONG when the string is in `long` instead, UNSET when none. */
  private readonly lengths: Uint16Array;
  private readonly long: (string | undefined)[];

  constructor(capacity: number, private readonly slotBytes: number) {
    if (slotBytes >= LONG) throw new RangeError(`slotBytes must be below ${LONG}`);
    this.bytes = Buffer.alloc(capacity * slotBytes);
    this.lengths = new Uint16Array(capacity).fill(UNSET);
    this.long = new Array(capacity);
  }

  set(i: number, text: string): void {
    if (this.long[i] !== undefined) this.long[i] = undefined;
    // A UTF-8 string has at least as many bytes as UTF-16 units: longer than a slot in units, it cannot fit.
    if (text.length <= this.slotBytes) {
      const start = i * this.slotBytes;
      const bytes = this.bytes;
      // A short ASCII string, what ids and paths are, is copied here: below about 32 characters
      // Buffer#write's call into C++ costs more than the loop; above, the loop costs more (an SMS
      // body of 66 characters: 170 against 90 ns).
      if (text.length < LOOP_BELOW) {
        let k = 0;
        for (let c; k < text.length && (c = text.charCodeAt(k)) < 0x80; k++) bytes[start + k] = c;
        if (k === text.length) {
          this.lengths[i] = k;
          return;
        }
      }
      const written = bytes.write(text, start, this.slotBytes, 'utf8');
      // write() stops before a character that does not fit (one takes at most 4 bytes): with 4
      // bytes or more to spare the whole string was written; closer to the end, count to be sure.
      if (written < this.slotBytes - 3 || Buffer.byteLength(text, 'utf8') === written) {
        this.lengths[i] = written;
        return;
      }
    }
    this.lengths[i] = LONG;
    this.long[i] = text;
  }

  /** The string at `i`; undefined when none was set there since the last clear(). */
  get(i: number): string | undefined {
    const length = this.lengths[i]!;
    if (length === UNSET) return undefined;
    if (length === LONG) return this.long[i];
    const start = i * this.slotBytes;
    return this.bytes.toString('utf8', start, start + length);
  }

  clear(): void {
    this.lengths.fill(UNSET);
    this.long.fill(undefined);
  }
}

const LOOP_BELOW = 32;
const LONG = 0xfffe;
const UNSET = 0xffff;
