import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { commandPath, Session } from '../../src/cli/session.js';
import { Output } from '../../src/ui/output.js';

const visible = (c: Command) => c.commands.filter((s) => !(s as unknown as { _hidden: boolean })._hidden);

/** The program as commander defines it, read directly: what the completion scripts must agree with. */
export async function commandTree(): Promise<Command[]> {
  const env = {};
  const session = new Session(new Output({ json: false, color: false, debug: false, env }), env);
  const all = (c: Command): Command[] => [c, ...visible(c).flatMap(all)];
  return all(await buildProgram(session, ['node', 'octo', '--help']));
}

export interface Expectation {
  /** A line to complete, cursor at its end. */
  line: string;
  /** What must be offered, sorted. */
  words: string[];
  what: string;
}

/**
 * For every command: `octo PATH -` offers its flags and the program's (-h/--help included), and
 * for every group `octo PATH ` offers its subcommands.
 */
export function everyCommandAndFlag(commands: Command[]): Expectation[] {
  const spellings = (c: Command) => c.options.flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
  const [program] = commands;
  const globals = [...spellings(program!), '-h', '--help'];
  return commands.flatMap((c) => {
    const path = commandPath(c);
    const prefix = `octo ${path}${path ? ' ' : ''}`;
    return [
      { line: `${prefix}-`, words: [...(c === program ? [] : spellings(c)), ...globals].sort(), what: `flags of \`${prefix.trim()}\`` },
      ...(c.commands.length ? [{ line: prefix, words: visible(c).map((s) => s.name()).sort(), what: `subcommands of \`${prefix.trim()}\`` }] : []),
    ];
  });
}
