import { UsageError } from '../core/errors.js';

/** The forms a listing can be written in (`--format`); `json` is `--json` by another name. */
export const FORMATS = ['table', 'json', 'tsv', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

/** How the rows of a listing are written: `auto` is a table on a terminal and TSV off one. */
export type ListForm = 'auto' | 'table' | 'tsv' | 'csv';

export function parseFormat(value: string): Format {
  if ((FORMATS as readonly string[]).includes(value)) return value as Format;
  throw new UsageError(`invalid --format "${value}"`, `pass one of: ${FORMATS.join(', ')} (--format json is the same as --json)`);
}

/**
 * The value of the last `--format` in argv, read before commander parses (as `--json` is), so that
 * `--format json` makes even a parse error a JSON document.
 */
export function formatInArgs(args: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg === '--format') found = args[++i];
    else if (arg.startsWith('--format=')) found = arg.slice('--format='.length);
  }
  return found;
}

/**
 * What `--json`, `--format` and `-q/--quiet` ask for together: a JSON document, ids only, or rows
 * in a form. Two answers to one question (`--json --format csv`, `--quiet --format tsv`) are a
 * usage error rather than one of them silently winning.
 */
export function listingMode(opts: { json: boolean; format?: Format; quiet?: boolean }): 'json' | 'quiet' | ListForm {
  const { json, format, quiet } = opts;
  if (json && format !== undefined && format !== 'json') {
    throw new UsageError(`--json and --format ${format} ask for two different outputs`, 'keep one of them: --format json is the same as --json');
  }
  const asked = json ? '--json' : format !== undefined ? `--format ${format}` : undefined;
  if (quiet && asked) throw new UsageError(`--quiet and ${asked} ask for two different outputs`, 'keep one of them: --quiet prints only the ids, one per line');
  if (json || format === 'json') return 'json';
  if (quiet) return 'quiet';
  return format ?? 'auto';
}
