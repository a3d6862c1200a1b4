import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';

/**
 * The options of a command whose variants take different options (the kind of a key, the type of
 * a channel), one row each: its flags, its help and the variants it applies to. The same rows
 * define the options and check them, so an option either has its effect or is a usage error that
 * names it; no option is accepted and dropped.
 */
export interface OptionRow<V extends string> {
  flags: string;
  description: string;
  appliesTo: readonly V[];
  /** `--scope a --scope b`, collected into an array. */
  repeatable?: boolean;
}

export interface OptionTable<V extends string> {
  rows: readonly OptionRow<V>[];
  variants: readonly V[];
  /** What a variant is called in a message: `a bearer key`, `an sms channel`. */
  noun: (variant: V) => string;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Adds the table's options to `command`; each says in its help which variants it applies to. */
export function addOptions<V extends string>(command: Command, table: OptionTable<V>, variantWord: string): Command {
  for (const row of table.rows) {
    const only = row.appliesTo.length < table.variants.length ? ` (${variantWord} ${row.appliesTo.join(', ')})` : '';
    const option = new Option(row.flags, row.description + only);
    command.addOption(row.repeatable ? option.argParser(collect) : option);
  }
  return command;
}

/** The options given on the command line that `variant` does not take: a usage error naming the first. */
export function checkOptions<V extends string>(table: OptionTable<V>, variant: V, opts: Record<string, unknown>): void {
  const wrong = given(table, opts).find((row) => !row.appliesTo.includes(variant));
  if (!wrong) return;
  const flag = longFlag(wrong);
  const takes = table.rows.filter((row) => row.appliesTo.includes(variant)).map(longFlag);
  throw new UsageError(
    `${flag} does not apply to ${table.noun(variant)}`,
    `${flag} is for ${wrong.appliesTo.map(table.noun).join(' or ')}; drop it (${table.noun(variant)} takes ${takes.join(', ') || 'no options'})`,
    'option_not_applicable',
  );
}

/**
 * The variants that take every option given: what a prompt for the variant may offer. None at all
 * is a usage error naming the options that cannot go together.
 */
export function variantsTaking<V extends string>(table: OptionTable<V>, opts: Record<string, unknown>): V[] {
  const rows = given(table, opts);
  const fitting = table.variants.filter((variant) => rows.every((row) => row.appliesTo.includes(variant)));
  if (fitting.length === 0) {
    const flags = rows.map(longFlag);
    const each = rows.map((row) => `${longFlag(row)} is for ${row.appliesTo.map(table.noun).join(' or ')}`);
    throw new UsageError(`${flags.join(' and ')} do not go together`, `${each.join(', ')}: keep the options of one`, 'option_not_applicable');
  }
  return fitting;
}

function given<V extends string>(table: OptionTable<V>, opts: Record<string, unknown>): OptionRow<V>[] {
  return table.rows.filter((row) => {
    const value = opts[new Option(row.flags).attributeName()];
    return value !== undefined && !(Array.isArray(value) && value.length === 0);
  });
}

function longFlag(row: OptionRow<string>): string {
  return new Option(row.flags).long ?? row.flags;
}
