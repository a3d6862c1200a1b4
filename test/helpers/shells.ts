import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, type Sandbox } from './cli.js';

/** Whether `shell` can be run here (zsh and fish are optional; bash is not). */
export function hasShell(shell: string): boolean {
  return spawnSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;
}

/** A folder holding an `octo` that runs this tree's build: what the scripts call on a Tab. */
export function octoOnPath(sb: Sandbox): string {
  const dir = join(sb.dir, 'bin');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'octo'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(join(dir, 'octo'), 0o755);
  return dir;
}

export const sq = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * The words bash hands a completion function for `line` (cursor at the end): split at blanks,
 * and at `:` and `=` (COMP_WORDBREAKS), each run of those its own word; a trailing blank starts
 * an empty word. What `bash -i` gives for `octo keys create --scope=posts:re` + Tab:
 * octo keys create --scope = posts : re.
 */
export function bashWords(line: string): string[] {
  const words = line.split(/\s+/).filter(Boolean).flatMap((w) => w.split(/([:=]+)/).filter(Boolean));
  if (/\s$/.test(line)) words.push('');
  return words;
}

export interface ShellRun {
  /** One list of candidates per line completed, in order. */
  replies: string[][];
  stderr: string;
  status: number | null;
}

/** Runs `script` in `shell` with `env`, splitting stdout at the record separator each case prints. */
export function runShell(shell: string, args: string[], script: string, env: NodeJS.ProcessEnv): ShellRun {
  const r = spawnSync(shell, [...args, '-c', script], { env, encoding: 'utf8', timeout: 60_000 });
  const records = r.stdout.split('\x1e\n');
  records.pop();
  return { replies: records.map((rec) => rec.split('\n').filter((l) => l !== '')), stderr: r.stderr, status: r.status };
}

/** `shell -n FILE`: parses the script without running it; stderr names what does not parse. */
export function syntaxErrors(shell: string, file: string): string {
  const r = spawnSync(shell, ['-n', file], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? r.stderr : r.stderr || `exit ${r.status}`;
}
