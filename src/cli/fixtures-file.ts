import { readFileSync } from 'node:fs';
import { readFixtures } from '../app/fixtures.js';
import { UsageError } from '../core/errors.js';
import type { Fixtures } from '../core/fixtures.js';
import { readStdin } from './stdin.js';

/**
 * A fixtures file, or stdin for `-`; `as` is how an error names it (`apply`'s argument, or serve's
 * `--fixtures FILE`), with the hint that fits there.
 */
export async function loadFixtures(
  file: string,
  as: { label: string; hint: string } = { label: file, hint: 'pass a YAML or JSON fixtures file, or - to read one from stdin' },
): Promise<Fixtures> {
  if (file === '-') return readFixtures((await readStdin()).toString('utf8'), '<stdin>');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${as.label}: ${code === 'ENOENT' ? 'no such file' : code ?? (err as Error).message}`, as.hint, 'file_unreadable');
  }
  return readFixtures(text, file);
}
