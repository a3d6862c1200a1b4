/**
 * Expected errors: each carries a stable machine code, a message that says what happened, a hint
 * with the command that fixes it, and the exit code (SPEC §5: 1 refused/failed, 2 usage, 130 cancel).
 * Anything that is not an OctoError is a bug and prints a stack only with --debug.
 */
export type ExitCode = 0 | 1 | 2 | 130;

export class OctoError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, opts: { hint?: string; exitCode?: ExitCode } = {}) {
    super(message);
    this.name = 'OctoError';
    this.code = code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? 1;
  }
}

/** A usage error: the command line itself is wrong (exit 2). */
export class UsageError extends OctoError {
  constructor(message: string, hint?: string, code = 'usage') {
    super(code, message, { hint, exitCode: 2 });
    this.name = 'UsageError';
  }
}

export class NotFoundError extends OctoError {
  constructor(message: string, hint?: string) {
    super('not_found', message, { hint, exitCode: 1 });
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends OctoError {
  constructor(message: string, hint?: string) {
    super('conflict', message, { hint, exitCode: 1 });
    this.name = 'ConflictError';
  }
}

/** The user pressed Ctrl-C at a prompt (exit 130, as a shell reports SIGINT). */
export class CancelledError extends OctoError {
  constructor() {
    super('cancelled', 'cancelled', { exitCode: 130 });
    this.name = 'CancelledError';
  }
}

export function isOctoError(err: unknown): err is OctoError {
  return err instanceof OctoError;
}
