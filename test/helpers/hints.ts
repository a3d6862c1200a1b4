import { spawn } from 'node:child_process';
import { BIN, type RunResult, type Sandbox } from './cli.js';
import { finish } from './keystore.js';

/** The first backticked `octo …` command of a hint (or of any text), as a user would paste it. */
export function hintedCommand(text: string): string {
  const m = /`(octo [^`]+)`/.exec(text);
  if (!m) throw new Error(`no octo command in: ${text}`);
  return m[1]!;
}

/**
 * Runs a hint's command the way a user would: pasted into a POSIX shell (so its quoting is what is
 * tested), with `octo` this build, in the sandbox, off a terminal.
 */
export function runHinted(sb: Sandbox, text: string, extra = ''): Promise<RunResult> {
  const command = hintedCommand(text);
  const script = `octo() { "${process.execPath}" "${BIN}" "$@"; }\n${command} ${extra}`;
  return finish(spawn('/bin/sh', ['-c', script], { env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] }));
}
