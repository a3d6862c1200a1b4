import type { CommanderError } from 'commander';
import { isOctoError, UsageError, type ExitCode } from './core/errors.js';
import { Session } from './cli/session.js';
import { formatInArgs } from './ui/formats.js';
import { Output } from './ui/output.js';

/**
 * The one entry: parses argv, runs the command, and is the only place that turns an error into an
 * exit code (SPEC §5: 0 ok, 1 refused or failed, 2 usage, 130 cancelled). It never calls
 * process.exit, so piped stdout drains.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Every file octo creates is private, whatever umask the caller has (SPEC §2).
  process.umask(0o077);
  const args = argv.slice(2);
  // Known before commander parses, so that even a parse error is printed in the requested form.
  const out = await Output.create({
    json: args.includes('--json') || formatInArgs(args) === 'json',
    color: !args.includes('--no-color'),
    debug: args.includes('--debug'),
    env,
  });
  const session = new Session(out, env);
  try {
    // The hot path of CI loops skips loading the command tree (see cli/fast-verify.ts).
    if (args[0] === 'keys' && args[1] === 'verify') {
      const { tryFastVerify } = await import('./cli/fast-verify.js');
      if (await tryFastVerify(argv, session)) return session.exitCode;
    }
    const { buildProgram } = await import('./cli/program.js');
    await (await buildProgram(session, argv)).parseAsync(argv);
    return session.exitCode;
  } catch (err) {
    return reportError(err, out);
  } finally {
    await session.close();
  }
}

function reportError(err: unknown, out: Output): ExitCode {
  if (isCommanderError(err)) {
    // --help, --version, and help shown for a group called alone (`octo keys`: commander's exit 1).
    if (err.exitCode === 0 || err.code === 'commander.help') return 0;
    const message = err.message.replace(/^error: /, '');
    out.error(new UsageError(message, 'see `octo --help`, or `octo COMMAND --help` for the command\'s flags'));
    return 2;
  }
  out.error(err);
  return isOctoError(err) ? err.exitCode : 1;
}

/** Duck-typed, so that main does not load commander before it knows it needs it. */
function isCommanderError(err: unknown): err is CommanderError {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('commander.');
}
