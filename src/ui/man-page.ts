import type { CommandSpec, OptionSpec } from './command-spec.js';

/**
 * The man page, in roff (man(7) macros), rendered from the command tree: every command with its
 * description, options and the examples of its help. Built by scripts/man.mjs into man/octo.1.
 */
export function manPage(program: CommandSpec, version: string): string {
  const commands = program.commands.filter((c) => c.name !== 'help');
  return [
    `.TH OCTO 1 "" "octo ${version}" "User Commands"`,
    '.SH NAME',
    `octo \\- ${text(program.description)}`,
    '.SH SYNOPSIS',
    '.B octo',
    '.RI [ options ] " command " [ arguments ]',
    '.SH DESCRIPTION',
    text(program.description),
    '.PP',
    'Every command has \\fB\\-\\-help\\fR; \\fBocto help\\fR \\fIcommand\\fR... shows the same text.',
    '.SH OPTIONS',
    'Accepted before or after any command.',
    ...program.options.flatMap(option),
    '.SH COMMANDS',
    ...commands.flatMap((c) => command(c)),
    '.SH EXAMPLES',
    ...preformatted(program.after),
    '.SH ENVIRONMENT',
    ...definitions([
      ['OCTO_DB', 'the keystore, when \\fB\\-\\-db\\fR is not given'],
      ['OCTO_MASTER_KEY', 'base64 of the 32-byte key that seals workspace, channel and WABA keys at rest'],
      ['OCTO_KEY', 'the key for \\fBocto keys verify\\fR when none is given'],
      ['OCTO_ACTOR', 'who the audit log names (default: the OS user)'],
      ['NO_COLOR', 'no colour, as \\fB\\-\\-no\\-color\\fR'],
    ]),
    '.SH FILES',
    ...definitions([
      ['${XDG_DATA_HOME:\\-~/.local/share}/octo/keystore.db', 'the default keystore'],
      ['${XDG_CONFIG_HOME:\\-~/.config}/octo/master.key', 'the master key, when OCTO_MASTER_KEY is not set'],
    ]),
    '.SH SEE ALSO',
    'The README of the octo package, and \\fBocto completion \\-\\-help\\fR for shell completion.',
    '',
  ].join('\n');
}

/** A group's heading and its commands, or a command with its synopsis, options and examples. */
function command(spec: CommandSpec): string[] {
  const sub = spec.commands.filter((c) => c.name !== 'help');
  if (sub.length) return [`.SS "${escape(`octo ${spec.path}`)}"`, text(spec.description), ...sub.flatMap(command)];
  return [
    `.SS "${escape(`octo ${spec.path} ${spec.usage}`.trim())}"`,
    text(spec.description),
    ...spec.options.flatMap(option),
    ...(spec.after ? ['.PP', ...preformatted(spec.after)] : []),
  ];
}

function option(o: OptionSpec): string[] {
  const flags = o.flags.replace(/(-[\w-]+)|(<[^>]+>|\[[^\]]+\])/g, (_m, flag: string | undefined, value: string | undefined) =>
    flag ? `\\fB${escape(flag)}\\fR` : `\\fI${escape(value!)}\\fR`);
  return ['.TP', flags, text(o.description)];
}

function definitions(rows: [string, string][]): string[] {
  return rows.flatMap(([term, definition]) => ['.TP', `.B ${term}`, definition]);
}

/** Help text as it is printed: lines kept, no filling. */
function preformatted(block: string): string[] {
  return ['.nf', ...block.split('\n').map((line) => guard(escape(line))), '.fi'];
}

/** Running text: roff's escapes, and no line that roff would read as a request. */
function text(s: string): string {
  return s.split('\n').map((line) => guard(escape(line).replace(/`([^`]+)`/g, '\\fB$1\\fR'))).join('\n');
}

/** roff's escapes; a character beyond ASCII by its code, so that groff needs no input encoding. */
function escape(s: string): string {
  return s.replace(/\\/g, '\\e').replace(/-/g, '\\-')
    .replace(/[^\x00-\x7f]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}

function guard(line: string): string {
  return /^[.']/.test(line) ? `\\&${line}` : line;
}
