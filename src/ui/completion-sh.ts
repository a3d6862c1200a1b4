import { shellWord } from '../core/shell-word.js';
import { shellCode, valueActions, valuedKeys, type CompletionTable } from './completion-table.js';

/**
 * The half of the bash and zsh scripts written in the syntax both shells read: what follows each
 * command (`__octo_subs`, `__octo_opts`), which flags take a value (`__octo_takes_value`), what a
 * value or an argument completes to (`__octo_value`), and the walk over the words typed
 * (`__octo_walk`). Each shell supplies the helpers these call: __octo_add, __octo_list,
 * __octo_keystore, __octo_files.
 */
export function shDataFunctions(table: CompletionTable): string {
  const q = (path: string) => `'${path}'`;
  const words = (list: readonly string[]) => list.map(shellWord).join(' ');
  const subs = table.entries.filter((e) => e.subcommands.length)
    .map((e) => `    ${q(e.path)}) __octo_r=${shellWord(e.subcommands.join(' '))} ;;`);
  const opts = table.entries.filter((e) => e.flags.length).map((e) => `    ${q(e.path)}) __octo_add ${words(e.flags)} ;;`);
  const values = valueActions(table).map(({ key, action }) => `    ${pattern(key)}) ${action} ;;`);
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
    ${valuedKeys(table).map(pattern).join('|')}) return 0 ;;
  esac
  return 1
}

__octo_value() {
  case $1 in
${values.join('\n')}
  esac
}
${WALK}`;
}

/** A case pattern: the key quoted, its `*` left a wildcard. */
function pattern(key: string): string {
  return key.split('*').map((part) => (part ? `'${part}'` : '')).join('*');
}

const WALK = shellCode`
# The words before the one completed: the command they name (cmdpath), the arguments after it (n),
# a flag still waiting for its value (flag), 'help' (helping) and the keystore named (__octo_db).
__octo_walk() {
  local w
  for w in "$@"; do
    if [[ -n $flag ]]; then
      [[ $flag == --db ]] && __octo_db=$w
      flag=''
      continue
    fi
    case $w in
      --db=*) __octo_db=\${w#--db=} ;;
      --*=*) ;;
      -*) __octo_takes_value "$cmdpath|$w" && flag=$w ;;
      *)
        __octo_subs "$cmdpath"
        if [[ " $__octo_r " == *" $w "* ]]; then
          if [[ $w == help ]]; then helping=1; else cmdpath=\${cmdpath:+$cmdpath }$w; fi
        else
          n=$((n + 1))
        fi
        ;;
    esac
  done
}
`;
