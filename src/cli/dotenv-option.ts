import type { EnvWrite } from '../app/dotenv-file.js';
import type { KeepSecret } from '../app/keys.js';
import { UsageError } from '../core/errors.js';
import type { Output } from '../ui/output.js';

/**
 * `--dotenv FILE --env-var NAME`, on `keys create` and `keys rotate`: the secret goes to the file
 * only. Not `--env-file`: node 20 and 22 read an `--env-file` anywhere in argv, after the script
 * too (nodejs/node#54232), so `octo … --env-file .env.local` would make node load that file into
 * octo's own environment (OCTO_DB and all), or exit 9 before octo runs when it does not exist yet.
 */
export const DOTENV_OPTIONS = [
  { flags: '--dotenv <file>', description: 'write the key to this dotenv file (0600) as NAME=key, instead of printing it' },
  { flags: '--env-var <name>', description: 'the variable --dotenv sets, e.g. SMS_KEY (a NAME= line there is updated in place)' },
] as const;

export interface DotenvSink {
  keep: KeepSecret;
  /** What was written, once the key exists. */
  written(): EnvWrite;
}

/**
 * Checks the flags and the file before any prompt or key (the file code loads only when asked
 * for); undefined without --dotenv.
 */
export async function dotenvSink(opts: Record<string, unknown>): Promise<DotenvSink | undefined> {
  const file = opts.dotenv as string | undefined;
  const variable = opts.envVar as string | undefined;
  if (file === undefined) {
    if (variable !== undefined) throw new UsageError('--env-var needs --dotenv: the file to write it to', `add the file, e.g. \`--dotenv .env.local --env-var ${variable}\``);
    return undefined;
  }
  const { envTarget, writeEnvFile } = await import('../app/dotenv-file.js');
  const target = envTarget(file, variable);
  let result: EnvWrite | undefined;
  return {
    keep: (secret) => { result = writeEnvFile(target, secret); },
    written: () => result!,
  };
}

/** `--json`: where the key went, in place of `secret`. */
export function dotenvView(w: EnvWrite): { path: string; variable: string; change: EnvWrite['change'] } {
  return { path: w.path, variable: w.variable, change: w.change };
}

export function printEnvWrite(out: Output, w: EnvWrite, file: string): void {
  out.info(out.e.green('✔ ') + `${w.change === 'added' ? 'Added' : 'Updated'} ${w.variable} in ${file} (the key is not printed).`);
  if (w.narrowedFrom !== null) {
    out.info(`${file} was readable by others (mode ${w.narrowedFrom.toString(8).padStart(4, '0')}); it is 0600 now, as a file holding a secret should be.`);
  }
}
