import type { Command } from 'commander';
import { AppContext, type KeystoreAccess } from '../app/context.js';
import type { ExitCode } from '../core/errors.js';
import { listingMode, type Format } from '../ui/formats.js';
import { Output } from '../ui/output.js';
import { Prompter } from '../ui/prompts.js';
import { keystoreAccess } from './keystore-access.js';

export interface GlobalOptions {
  db?: string;
  json?: boolean;
  color?: boolean;
  yes?: boolean;
  debug?: boolean;
  /** A listing's `--format` and `-q/--quiet` (see listing-options.ts). */
  format?: Format;
  quiet?: boolean;
}

/**
 * What one invocation shares between main and the command handlers: output, prompts, the global
 * flags, the app context (the keystore opens on first use) and the exit code a handler sets.
 */
export class Session {
  exitCode: ExitCode = 0;
  readonly prompt = new Prompter();
  private opts: GlobalOptions = {};
  private access: KeystoreAccess = 'creates';
  private appContext: AppContext | undefined;

  constructor(
    readonly out: Output,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Called before every action with the parsed global options and the command's path (`keys list`). */
  configure(opts: GlobalOptions, command: string): void {
    this.opts = opts;
    this.access = keystoreAccess(command);
    // `--format json` needs nothing here: main read it from argv, as --json, before commander parsed.
    this.out.useListing(listingMode({ json: opts.json === true, format: opts.format, quiet: opts.quiet }));
  }

  get yes(): boolean {
    return this.opts.yes === true;
  }

  get ctx(): AppContext {
    this.appContext ??= new AppContext(this.env, this.opts.db, Date.now, this.access);
    return this.appContext;
  }

  async close(): Promise<void> {
    await this.appContext?.close();
  }
}

/** Wraps a commander action: the last argument commander passes is the Command itself. */
// Commander passes positional arguments, then the options, then the Command: the handler's own
// signature says which of them it reads.
type Handler = (...args: any[]) => Promise<void> | void;

export function act(session: Session, handler: Handler) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    session.configure(command.optsWithGlobals() as GlobalOptions, commandPath(command));
    await handler(...args.slice(0, -1));
  };
}

/** `keys list` for the Command of `octo keys list`: its names below the program. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
