import type { SkipReason } from '../core/leak-model.js';

/**
 * What the sources of `octo keys scan` (the folder walk, the staged blobs) share with the scan
 * itself, kept apart so that neither source imports the module that imports it.
 */

/** Files above this size are not read (counted and named instead): 10 MiB holds any source file. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export type { SkipReason } from '../core/leak-model.js';

/** What a source hands each file it reads, or each file it could not or would not read. */
export interface FileSink {
  file(path: string, bytes: Buffer): void;
  skip(path: string, reason: SkipReason, size?: number): void;
}
