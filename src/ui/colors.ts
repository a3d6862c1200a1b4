import type { ChalkInstance } from 'chalk';

/**
 * A ChalkInstance that paints nothing: every style is itself again (so `c.bold.red` chains) and
 * calling it returns the text. Used whenever a stream gets no colour, which is every scripted run,
 * so that those runs never load chalk at all (start-up is measured, SPEC §10).
 */
const paintNothing = (...text: unknown[]): string => text.join(' ');
export const PLAIN: ChalkInstance = new Proxy(paintNothing, {
  get: (_target, prop) => (prop === 'level' ? 0 : PLAIN),
}) as unknown as ChalkInstance;

export interface Painters {
  stdout: ChalkInstance;
  stderr: ChalkInstance;
}

/** chalk is imported only when a stream is a terminal (the caller has already ruled out no-colour). */
export async function loadPainters(stdoutTty: boolean, stderrTty: boolean): Promise<Painters> {
  if (!stdoutTty && !stderrTty) return { stdout: PLAIN, stderr: PLAIN };
  const { Chalk, supportsColor, supportsColorStderr } = await import('chalk');
  const painter = (tty: boolean, support: typeof supportsColor) =>
    tty && support && support.level > 0 ? new Chalk({ level: support.level }) : PLAIN;
  return { stdout: painter(stdoutTty, supportsColor), stderr: painter(stderrTty, supportsColorStderr) };
}
