import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { FORMATS, parseFormat } from '../ui/formats.js';

/**
 * The options every listing takes: `--format` (its choices are declared to commander, so help and
 * completions list them; the parser gives octo's own usage error) and, where a listing has ids,
 * `-q/--quiet`. Applied to Output by Session.configure, before the command runs.
 */
export function addListingOptions(command: Command, opts: { quiet: boolean } = { quiet: true }): Command {
  command.addOption(new Option('--format <format>', 'how to print the listing; json is --json (default: a table on a terminal, tsv off one)')
    .choices(FORMATS).argParser(parseFormat));
  if (opts.quiet) command.option('-q, --quiet', 'print only the ids, one per line (for xargs)');
  return command;
}

/** `--limit N`: a whole number from 1. */
export function parseLimit(value: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(value)) throw new UsageError(`invalid --limit "${value}"`, 'pass a whole number from 1, e.g. --limit 20');
  return Number(value);
}
