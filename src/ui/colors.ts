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

/** chalk's levels: none, 16 colours, 256, 16 million. */
export type ColorLevel = 0 | 1 | 2 | 3;

/** A level for both streams, terminal or not, or `terminal`: each stream as its terminal supports. */
export type ColorChoice = ColorLevel | 'terminal';

/**
 * The colour decision, first match wins: `--json` and `--no-color` (allowed false), then a
 * non-empty NO_COLOR, then FORCE_COLOR (which also paints a stream that is not a terminal: CI logs
 * that render colour), then the terminal. chalk alone would let FORCE_COLOR beat NO_COLOR.
 */
export function colorChoice(env: NodeJS.ProcessEnv, allowed: boolean): ColorChoice {
  if (!allowed || env.NO_COLOR) return 0;
  return forcedLevel(env.FORCE_COLOR) ?? 'terminal';
}

/**
 * FORCE_COLOR as node reads it (tty.getColorDepth): empty, `1` or `true` is 16 colours, `2` is 256,
 * `3` is 16 million, and anything else (`0`, `false`) is none.
 */
export function forcedLevel(value: string | undefined): ColorLevel | undefined {
  switch (value) {
    case undefined:
      return undefined;
    case '':
    case '1':
    case 'true':
      return 1;
    case '2':
      return 2;
    case '3':
      return 3;
    default:
      return 0;
  }
}

/** chalk is imported only when a stream is painted (the caller has already ruled out no-colour). */
export async function loadPainters(choice: ColorChoice, stdoutTty: boolean, stderrTty: boolean): Promise<Painters> {
  const forced = choice !== 'terminal';
  if (choice === 0 || (!forced && !stdoutTty && !stderrTty)) return { stdout: PLAIN, stderr: PLAIN };
  const { Chalk, supportsColor, supportsColorStderr } = await import('chalk');
  const painter = (tty: boolean, support: typeof supportsColor) => {
    const level = forced ? choice : tty && support ? support.level : 0;
    return level > 0 ? new Chalk({ level }) : PLAIN;
  };
  return { stdout: painter(stdoutTty, supportsColor), stderr: painter(stderrTty, supportsColorStderr) };
}
