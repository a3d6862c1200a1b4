import { CancelledError, OctoError, UsageError } from '../core/errors.js';

/**
 * The only module that prompts. It asks only when stdin and stdout are terminals; otherwise it
 * never waits, and raises a usage error (exit 2) that names the flag to pass. @inquirer/prompts is
 * imported on first use, so commands that do not prompt do not load it. Prompts are drawn on
 * stderr so that stdout stays data.
 */
export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export class Prompter {
  private tty: boolean | undefined;

  constructor(interactive?: boolean) {
    this.tty = interactive;
  }

  /** Decided on first use: touching process.stdin creates its stream, which costs start-up time. */
  get interactive(): boolean {
    this.tty ??= Boolean(process.stdin.isTTY && process.stdout.isTTY);
    return this.tty;
  }

  private refuse(what: string, flag: string): never {
    throw new UsageError(`missing ${what}`, `pass ${flag} (octo prompts for it only on a terminal)`, 'missing_argument');
  }

  async select<T>(message: string, choices: Choice<T>[], missing: { what: string; flag: string }): Promise<T> {
    if (!this.interactive) this.refuse(missing.what, missing.flag);
    if (choices.length === 0) {
      throw new OctoError('nothing_to_choose', `there is no ${missing.what.replace(/^the /, '')} to choose from`, {
        hint: `add one first (see \`octo --help\`), then pass ${missing.flag}`,
      });
    }
    const { select } = await import('@inquirer/prompts');
    return guard(() => select<T>({ message, choices }, context()));
  }

  async input(message: string, missing: { what: string; flag: string }, validate?: (v: string) => true | string): Promise<string> {
    if (!this.interactive) this.refuse(missing.what, missing.flag);
    const { input } = await import('@inquirer/prompts');
    return guard(() => input({ message, required: true, ...(validate ? { validate } : {}) }, context()));
  }

  /** A secret typed or pasted at the terminal, shown as `*` and never echoed (a key given as `-`). */
  async secret(message: string, missing: { what: string; flag: string }): Promise<string> {
    if (!this.interactive) this.refuse(missing.what, missing.flag);
    const { password } = await import('@inquirer/prompts');
    return guard(() => password({ message, mask: true }, context()));
  }

  /** `validate` sees the values ticked; a string is shown and the question stays. */
  async checkbox<T>(
    message: string, choices: Choice<T>[], missing: { what: string; flag: string }, validate?: (values: T[]) => true | string,
  ): Promise<T[]> {
    if (!this.interactive) this.refuse(missing.what, missing.flag);
    const { checkbox } = await import('@inquirer/prompts');
    const check = validate && ((ticked: readonly { value: T }[]) => validate(ticked.map((c) => c.value)));
    return guard(() => checkbox<T>({ message, choices, pageSize: 15, ...(check ? { validate: check } : {}) }, context()));
  }

  /**
   * Confirms a destructive step. `--yes` skips it; off a terminal, without `--yes`, it is a usage
   * error, never a silent yes.
   */
  async confirm(message: string, yes: boolean, retry: string): Promise<boolean> {
    if (yes) return true;
    if (!this.interactive) {
      throw new UsageError('refusing to do this without confirmation off a terminal', `pass --yes to confirm: \`${retry} --yes\``, 'confirmation_required');
    }
    const { confirm } = await import('@inquirer/prompts');
    return guard(() => confirm({ message, default: false }, context()));
  }
}

function context() {
  return { output: process.stderr };
}

/**
 * Ctrl-C at a prompt is exit 130 (SPEC §5). Pressed while the prompt reads the terminal, the prompt
 * rejects with ExitPromptError. A SIGINT that arrives as a signal (`kill -INT`, a parent stopping
 * its children, or Ctrl-C before the terminal is in raw mode) cancels the prompt the same way;
 * without this handler the prompt library's exit hook re-raised the signal and octo died of it,
 * which a parent process sees as a signal, not as exit 130.
 */
async function guard<T>(ask: () => Promise<T> & { cancel: () => void }): Promise<T> {
  const pending = ask();
  const cancel = () => pending.cancel();
  process.once('SIGINT', cancel);
  try {
    return await pending;
  } catch (err) {
    if (err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'CancelPromptError')) throw new CancelledError();
    throw err;
  } finally {
    process.off('SIGINT', cancel);
  }
}
