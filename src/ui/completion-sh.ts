import type { ValueSource } from './command-spec.js';
import { shellWord, type CompletionTable } from './completion-table.js';

/**
 * The data half of the bash and zsh scripts, in the syntax both shells read: what follows each
 * command (`__octo_subs`, `__octo_opts`), which flags take a value (`__octo_takes_value`), and
 * what a value or an argument completes to (`__octo_value`, keyed `PATH|--flag` or `PATH|#N`). Each
 * shell supplies the helpers it calls: __octo_add, __octo_list, __octo_keystore, __octo_files.
 */
export function shDataFunctions(table: CompletionTable): string {
  const q = (path: string) => `'${path}'`;
  const words = (list: readonly string[]) => list.map(shellWord).join(' ');
  const subs = table.entries.filter((e) => e.subcommands.length)
    .map((e) => `    ${q(e.path)}) __octo_r=${shellWord(e.subcommands.join(' '))} ;;`);
  const opts = table.entries.filter((e) => e.flags.length).map((e) => `    ${q(e.path)}) __octo_add ${words(e.flags)} ;;`);
  const valued = [
    ...table.entries.flatMap((e) => e.valued.map((v) => `'${e.path}|${v.flag}'`)),
    ...table.globals.valued.map((v) => `*'|${v.flag}'`),
  ];
  const values = [
    ...table.entries.flatMap((e) => [
      ...e.valued.map((v) => [`'${e.path}|${v.flag}'`, v.value] as const),
      // An argument after the last one is the variadic last one again.
      ...e.args.map((a) => [a.variadic ? `'${e.path}|#'*` : `'${e.path}|#${a.index}'`, a.value] as const),
    ]),
    ...table.globals.valued.map((v) => [`*'|${v.flag}'`, v.value] as const),
  ].flatMap(([pattern, value]) => {
    const action = shAction(value);
    return action ? [`    ${pattern}) ${action} ;;`] : [];
  });
  return `__octo_subs() {
  case $1 in
${subs.join('\n')}
    *) __octo_r='' ;;
  esac
}

__octo_opts() {
  case $1 in
${opts.join('\n')}
  esac
  __octo_add ${words(table.globals.flags)}
}

__octo_takes_value() {
  case $1 in
    ${valued.join('|')}) return 0 ;;
  esac
  return 1
}

__octo_value() {
  case $1 in
${values.join('\n')}
  esac
}
`;
}

function shAction(value: ValueSource): string | null {
  switch (value.kind) {
    case 'none': return null;
    case 'file': return '__octo_files';
    case 'keystore': return `__octo_keystore ${value.source}`;
    case 'words': return `${value.list ? '__octo_list' : '__octo_add'} ${value.words.map(shellWord).join(' ')}`;
  }
}
