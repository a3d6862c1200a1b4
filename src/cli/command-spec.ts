import type { Argument, Command, Option } from 'commander';
import { Output } from '../ui/output.js';
import type { ArgSpec, CommandSpec, OptionSpec } from '../ui/command-spec.js';
import { argValues, optionValues } from './completion-values.js';
import { Session } from './session.js';

/**
 * The whole command tree, read from commander, as plain data: what shell completion and the man
 * page are generated from, so that neither is a second list of commands that can drift.
 */
export async function describeProgram(): Promise<CommandSpec> {
  const env = {};
  const session = new Session(new Output({ json: false, color: false, debug: false, env }), env);
  // The program as `octo --help` builds it: every group loaded.
  const { buildProgram } = await import('./program.js');
  return describeCommand(await buildProgram(session, ['node', 'octo', '--help']), []);
}

function describeCommand(command: Command, parents: string[]): CommandSpec {
  const path = command.parent ? [...parents, command.name()] : [];
  const pathText = path.join(' ');
  return {
    name: command.name(),
    path: pathText,
    description: command.description(),
    usage: command.usage(),
    after: afterHelp(command),
    options: command.options.filter((o) => !o.hidden).map((o) => describeOption(pathText, o)),
    args: command.registeredArguments.map((a) => describeArg(pathText, a)),
    commands: command.commands
      .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
      .map((c) => describeCommand(c, path)),
  };
}

function describeOption(path: string, option: Option): OptionSpec {
  const takesValue = option.required || option.optional;
  return {
    flags: option.flags,
    short: option.short,
    long: option.long,
    description: option.description,
    value: takesValue ? optionValues(path, option.long ?? option.short!) : null,
  };
}

function describeArg(path: string, arg: Argument): ArgSpec {
  return { name: arg.name(), required: arg.required, variadic: arg.variadic, value: argValues(path, arg.name()) };
}

/** The text `addHelpText('after', …)` shows under a command's help (its examples). */
function afterHelp(command: Command): string {
  let text = '';
  // Commander is an EventEmitter; addHelpText is a listener that writes through the context.
  (command as unknown as NodeJS.EventEmitter).emit('afterHelp', { error: false, command, write: (s: string) => (text += s) });
  return text.trim();
}
