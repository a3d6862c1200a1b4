import { closeSync, openSync, readdirSync, readlinkSync, readSync, realpathSync } from 'node:fs';

/** The WAL-index header (https://www.sqlite.org/walformat.html, §2.1), kept twice in a row. */
const HEADER_BYTES = 48;

/**
 * Says with one read system call whether any connection may have committed since the last look.
 * Every commit rewrites the WAL-index header at the start of the `-shm` file (its change counter,
 * iChange, moves with each), and SQLite itself decides that its cache is stale by comparing that
 * header with the copy it saw last: so an unchanged header means an unchanged database. That is
 * one `pread` instead of the read transaction behind `PRAGMA data_version` (two file-lock calls
 * and SQLite's own work), which the verifier would otherwise pay on every turn of its event loop.
 *
 * The header is read through this process's own descriptor of the file SQLite has open, found in
 * /proc/self/fd, so a stale or unrelated `-shm` can never be taken for the live one. Where that is
 * not possible (no /proc, no WAL), `find` returns null and the caller checks data_version every time.
 * Both copies of the header are read: SQLite trusts them only when they agree, and so does this.
 * A torn read only differs from every header before it, which costs the full check, never a stale
 * answer; a short or failed read, or copies that differ, give null, taken as "may have changed".
 */
export class WalIndexWatch {
  private readonly bytes = Buffer.alloc(2 * HEADER_BYTES);

  private constructor(private fd: number | null) {}

  /** The watch over the `-shm` of `dbPath` that this process has open, or null. */
  static find(dbPath: string): WalIndexWatch | null {
    try {
      const shm = `${realpathSync(dbPath)}-shm`;
      for (const name of readdirSync('/proc/self/fd')) {
        let target: string;
        try {
          target = readlinkSync(`/proc/self/fd/${name}`);
        } catch {
          continue;
        }
        if (target === shm) return new WalIndexWatch(openSync(`/proc/self/fd/${name}`, 'r'));
      }
    } catch {
      // No /proc (not Linux) or an unreadable path: fall back to data_version.
    }
    return null;
  }

  /**
   * The header as it is now, as text to compare with an earlier one: equal means no commit in
   * between. null when it cannot be read whole (then anything may have changed).
   */
  header(): string | null {
    if (this.fd === null) return null;
    try {
      if (readSync(this.fd, this.bytes, 0, 2 * HEADER_BYTES, 0) !== 2 * HEADER_BYTES) return null;
    } catch {
      return null;
    }
    // A writer updates the second copy, then the first. Copies that differ mean a commit caught
    // half-way, or a writer that died between the two: SQLite then rebuilds the index from the WAL
    // itself (recovery), so the answer is "may have changed" and data_version does the rest.
    if (this.bytes.compare(this.bytes, 0, HEADER_BYTES, HEADER_BYTES, 2 * HEADER_BYTES) !== 0) return null;
    return this.bytes.toString('latin1', 0, HEADER_BYTES);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
