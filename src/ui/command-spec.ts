/**
 * The command tree as data (cli/command-spec.ts reads it from commander): what the completion
 * scripts and the man page are rendered from.
 */
export interface CommandSpec {
  name: string;
  /** `keys create`; '' for the program itself. */
  path: string;
  description: string;
  usage: string;
  /** The help text shown after the options: examples, notes. */
  after: string;
  options: OptionSpec[];
  args: ArgSpec[];
  commands: CommandSpec[];
}

export interface OptionSpec {
  flags: string;
  short?: string | undefined;
  long?: string | undefined;
  description: string;
  /** What its value completes to; null for a flag that takes no value. */
  value: ValueSource | null;
}

export interface ArgSpec {
  name: string;
  required: boolean;
  variadic: boolean;
  value: ValueSource;
}

/** Where the keystore's values come from: `octo __complete SOURCE`. */
export type DynamicSource = 'keys' | 'workspaces' | 'wabas' | 'channels' | 'webhooks';

export type ValueSource =
  /** Free text (a name, a duration, a URL): nothing to offer. */
  | { kind: 'none' }
  /** One of a fixed set; `list`: a comma-separated list of them. */
  | { kind: 'words'; words: readonly string[]; list?: boolean }
  | { kind: 'keystore'; source: DynamicSource }
  | { kind: 'file' };

/** Every command below `spec`, depth first, the program itself first. */
export function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.commands.flatMap(allCommands)];
}
