import { shellWord } from '../core/shell-word.js';
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
  /** The one-line help of each subcommand and flag, by name: shown beside them by zsh and fish. */
  help: Record<string, string>;
}

export interface CompletionTable {
  /** Options of the program, accepted after any command too. */
  globals: Pick<CompletionEntry, 'flags' | 'valued' | 'help'>;
  entries: CompletionEntry[];
}

/** Commander adds -h/--help to every command without listing it among the options. */
const HELP: OptionSpec = { flags: '-h, --help', short: '-h', long: '--help', description: 'show help', value: null };

export function completionTable(program: CommandSpec): CompletionTable {
  return {
    globals: optionsPart([...program.options, HELP]),
    entries: allCommands(program).map((c) => {
      const options = optionsPart(c.path === '' ? [] : c.options);
      return {
        path: c.path,
        subcommands: c.commands.map((s) => s.name),
        ...options,
        args: c.args.map((a, index) => ({ index, variadic: a.variadic, value: a.value })),
        help: { ...Object.fromEntries(c.commands.map((s) => [s.name, firstLine(s.description)])), ...options.help },
      };
    }),
  };
}

function optionsPart(options: OptionSpec[]): Pick<CompletionEntry, 'flags' | 'valued' | 'help'> {
  const spellings = (o: OptionSpec) => [o.short, o.long].filter((f): f is string => f !== undefined);
  return {
    flags: options.flatMap(spellings),
    valued: options.flatMap((o) => (o.value ? spellings(o).map((flag) => ({ flag, value: o.value! })) : [])),
    help: Object.fromEntries(options.flatMap((o) => spellings(o).map((flag) => [flag, firstLine(o.description)]))),
  };
}

const firstLine = (text: string) => text.split('\n')[0]!;

/**
 * The keys the scripts look values up by: `PATH|--flag` for an option, `PATH|#N` for the Nth
 * argument, `PATH|#*` for a variadic last one, `*|--flag` for the program's own options (after
 * any command). `*` is the only wildcard.
 */
export function valuedKeys(table: CompletionTable): string[] {
  return [
    ...table.entries.flatMap((e) => e.valued.map((v) => `${e.path}|${v.flag}`)),
    ...table.globals.valued.map((v) => `*|${v.flag}`),
  ];
}

/** Each key and the helper call that offers its values (in every script's words), free text left out. */
export function valueActions(table: CompletionTable): { key: string; action: string }[] {
  return [
    ...table.entries.flatMap((e) => [
      ...e.valued.map((v) => ({ key: `${e.path}|${v.flag}`, value: v.value })),
      ...e.args.map((a) => ({ key: `${e.path}|#${a.variadic ? '*' : a.index}`, value: a.value })),
    ]),
    ...table.globals.valued.map((v) => ({ key: `*|${v.flag}`, value: v.value })),
  ].flatMap(({ key, value }) => {
    const action = helperCall(value);
    return action ? [{ key, action }] : [];
  });
}

/** The helpers each script defines in its own syntax: __octo_add, __octo_list, __octo_keystore, __octo_files. */
function helperCall(value: ValueSource): string | null {
  switch (value.kind) {
    case 'none': return null;
    case 'file': return '__octo_files';
    case 'keystore': return `__octo_keystore ${value.source}`;
    case 'words': return `${value.list ? '__octo_list' : '__octo_add'} ${value.words.map(shellWord).join(' ')}`;
  }
}

/** Shell code as written, `\${…}` standing for the shell's own `${…}` (a tag without interpolation). */
export function shellCode(text: TemplateStringsArray): string {
  return text.raw.join('').replaceAll('\\${', '${');
}
