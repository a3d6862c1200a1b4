import { allCommands, type CommandSpec, type OptionSpec, type ValueSource } from './command-spec.js';

/** One command's part of a completion script: what may follow its name. */
export interface CompletionEntry {
  path: string;
  subcommands: string[];
  /** Its own flags (the program's are in `globals`), each spelling. */
  flags: string[];
  /** Each spelling of each option that takes a value, with what the value completes to. */
  valued: { flag: string; value: ValueSource }[];
  args: { index: number; variadic: boolean; value: ValueSource }[];
}

export interface CompletionTable {
  /** Options of the program, accepted after any command too. */
  globals: Pick<CompletionEntry, 'flags' | 'valued'>;
  entries: CompletionEntry[];
}

/** Commander adds -h/--help to every command without listing it among the options. */
const HELP: OptionSpec = { flags: '-h, --help', short: '-h', long: '--help', description: 'show help', value: null };

export function completionTable(program: CommandSpec): CompletionTable {
  return {
    globals: optionsPart([...program.options, HELP]),
    entries: allCommands(program).map((c) => ({
      path: c.path,
      subcommands: c.commands.map((s) => s.name),
      ...optionsPart(c.path === '' ? [] : c.options),
      args: c.args.map((a, index) => ({ index, variadic: a.variadic, value: a.value })),
    })),
  };
}

function optionsPart(options: OptionSpec[]): Pick<CompletionEntry, 'flags' | 'valued'> {
  const spellings = (o: OptionSpec) => [o.short, o.long].filter((f): f is string => f !== undefined);
  return {
    flags: options.flatMap(spellings),
    valued: options.flatMap((o) => (o.value ? spellings(o).map((flag) => ({ flag, value: o.value! })) : [])),
  };
}

/** A word for a shell script, single-quoted when it is not plainly safe. */
export function shellWord(word: string): string {
  return /^[\w.:,@%+=/-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Shell code as written, `\${…}` standing for the shell's own `${…}` (a tag without interpolation). */
export function shellCode(text: TemplateStringsArray): string {
  return text.raw.join('').replaceAll('\\${', '${');
}
