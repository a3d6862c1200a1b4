import { Command, CommanderError, Help } from 'commander';
import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { commandPath, type Session } from './session.js';

type Register = (parent: Command, session: Session) => void;

/**
 * Where each command is defined. Only the group (and, under `keys`, the subcommand) that argv
 * names is imported, so `octo keys verify` does not load the code of webhooks, scans or tables:
 * start-up is measured (SPEC §10). Help and unknown commands load everything.
 */
const GROUPS: Record<string, () => Promise<Register>> = {
  workspaces: () => import('./subjects.js').then((m) => m.registerSubjects),
  wabas: () => import('./subjects.js').then((m) => m.registerSubjects),
  channels: () => import('./subjects.js').then((m) => m.registerSubjects),
  scopes: () => import('./scopes.js').then((m) => m.registerScopes),
  audit: () => import('./audit.js').then((m) => m.registerAudit),
  webhooks: () => import('./webhooks.js').then((m) => m.registerWebhooks),
  serve: () => import('./serve.js').then((m) => m.registerServe),
  backup: () => import('./backup.js').then((m) => m.registerBackup),
  restore: () => import('./backup.js').then((m) => m.registerBackup),
  status: () => import('./status.js').then((m) => m.registerStatus),
  apply: () => import('./fixtures.js').then((m) => m.registerFixtures),
  export: () => import('./fixtures.js').then((m) => m.registerFixtures),
  messages: () => import('./twin.js').then((m) => m.registerTwin),
  requests: () => import('./twin.js').then((m) => m.registerTwin),
  completion: () => import('./completion.js').then((m) => m.registerCompletion),
  __complete: () => import('./complete-values.js').then((m) => m.registerCompleteValues),
};

const KEY_COMMANDS: Record<string, () => Promise<Register>> = {
  lifecycle: () => import('./keys.js').then((m) => m.registerKeys),
  verify: () => import('./verify.js').then((m) => m.registerVerify),
  scan: () => import('./scan.js').then((m) => m.registerScan),
  check: () => import('./check.js').then((m) => m.registerCheck),
  import: () => import('./key-import.js').then((m) => m.registerKeyImport),
};

/** Global options that take a value: their value is not a command name. */
const VALUED_GLOBALS = new Set(['--db']);

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The first two words of argv that are not options (nor the value of --db). */
function commandWords(args: string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length && words.length < 2; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (VALUED_GLOBALS.has(arg)) i++;
      continue;
    }
    words.push(arg);
  }
  return words;
}

/** `octo keys` with the named subcommand only, or all of them (for help, or an unknown one). */
async function addKeys(program: Command, session: Session, sub: string | undefined): Promise<void> {
  const keys = program.command('keys').description('create, list, copy, scope, rotate, revoke, verify and scan API keys');
  const only = sub === undefined || sub === 'help' ? null : (KEY_COMMANDS[sub] ?? KEY_COMMANDS.lifecycle!);
  for (const register of await Promise.all((only ? [only] : Object.values(KEY_COMMANDS)).map((load) => load()))) {
    register(keys, session);
  }
}

/** The command tree. Each group lives in its own file and only wires flags to app functions. */
export async function buildProgram(session: Session, argv: string[]): Promise<Command> {
  const program = new Command('octo')
    .description('Administer API keys in a local keystore, and verify requests the way the real APIs do.')
    .option('-V, --version', 'print the version ({"version": "…"} with --json)')
    .on('option:version', () => printVersion(session))
    .option('--db <path>', 'keystore file (default: $OCTO_DB, then ${XDG_DATA_HOME:-~/.local/share}/octo/keystore.db)')
    .option('--json', 'print one JSON document on stdout (errors as JSON on stderr)')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('-y, --yes', 'skip confirmations')
    .option('--debug', 'print stacks for errors')
    .showHelpAfterError(false)
    .exitOverride()
    // Errors are printed by main. Commander writes help to stderr as an error when a group is
    // called alone (`octo keys`); octo takes that as a request for help: stdout, exit 0. Both
    // through Output, so that `octo --help | head` ends quietly.
    // The command list stays 20 columns wide, so that descriptions do not wrap on 80: a longer
    // term (`apply [options] <file>`) leaves out its `[options]`, which its own help lists.
    .configureHelp({
      subcommandTerm: (cmd) => {
        const term = new Help().subcommandTerm(cmd);
        return term.length > 20 ? term.replace(' [options]', '') : term;
      },
    })
    .configureOutput({ outputError: () => {}, writeOut: (text) => session.out.text(text), writeErr: (text) => session.out.text(text) })
    .addHelpText('after', `
Examples:
  $ octo workspaces add Acme --platform intercom
  $ octo keys create workspace --workspace Acme
  $ octo keys create bearer --name "CI pipeline" --scope posts:read --expires-in 90d
  $ octo keys verify - --endpoint "POST /api/v1/sms/messages" < key.txt
  $ octo serve --port 8787

Exit codes: 0 ok, 1 refused or failed, 2 usage error, 130 cancelled.`);

  const [group, sub] = commandWords(argv.slice(2));
  if (group !== undefined && group in GROUPS) {
    (await GROUPS[group]!())(program, session);
  } else if (group === 'keys') {
    await addKeys(program, session, sub);
  } else {
    // Help, or an unknown command: everything, subjects first and keys second, as help lists them.
    const [subjects, ...rest] = [...new Set(await Promise.all(Object.values(GROUPS).map((load) => load())))];
    subjects!(program, session);
    await addKeys(program, session, undefined);
    for (const register of rest) register(program, session);
  }
  for (const group of groups(program)) addHelpCommand(group);
  return program;
}

/** The program and every command that has subcommands. */
function groups(command: Command): Command[] {
  return command.commands.length ? [command, ...command.commands.flatMap(groups)] : [];
}

/**
 * `help [command...]` in every group, in place of commander's, which follows one word only:
 * `octo help keys create` shows the help of `keys create`, and an unknown word is a usage error.
 */
function addHelpCommand(group: Command): void {
  group.command('help [command...]')
    .description(group.parent ? 'show the help of a command' : 'show the help of a command, e.g. `octo help keys create`')
    .action((words: string[]) => {
      let target = group;
      for (const word of words) {
        const next = target.commands.find((c) => c.name() === word);
        if (!next) {
          const known = commandPath(target);
          throw new UsageError(`unknown command '${[known, word].filter(Boolean).join(' ')}'`,
            `see \`octo ${known ? known + ' ' : ''}--help\` for the commands`);
        }
        target = next;
      }
      target.help();
    });
}

/** `-V/--version`: the version, or `{"version": "…"}` with --json; then exit 0. */
function printVersion(session: Session): never {
  const v = version();
  if (session.out.json) session.out.document({ version: v });
  else session.out.line(v);
  throw new CommanderError(0, 'commander.version', v);
}
