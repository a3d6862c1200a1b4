import type { Command } from 'commander';
import { createKey, type CreateKeyInput } from '../app/keys.js';
import { listChannels, listWabas, listWorkspaces } from '../app/subjects.js';
import { parseDuration, parseRateLimit } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import type { KeyKind } from '../core/key-format.js';
import { KEY_KINDS, keyView, type KeyView } from '../core/model.js';
import { ALL_SCOPES } from '../core/scopes.js';
import type { Choice } from '../ui/prompts.js';
import { DOTENV_OPTIONS, dotenvSink, dotenvView, printEnvWrite } from './dotenv-option.js';
import { addOptions, checkOptions, variantsTaking, type OptionTable } from './option-rules.js';
import { act, type Session } from './session.js';

type Opts = Record<string, unknown>;

const KIND_NOUNS: Record<KeyKind, string> = {
  workspace: 'a workspace key', channel: 'a channel key', waba: 'a WABA key', bearer: 'a bearer key',
};

/** Which option of `keys create` each kind of key takes. */
export const CREATE_OPTIONS: OptionTable<KeyKind> = {
  variants: KEY_KINDS,
  noun: (kind) => KIND_NOUNS[kind],
  rows: [
    { flags: '--workspace <ws>', description: 'workspace id or name', appliesTo: ['workspace'] },
    { flags: '--channel <ch>', description: 'channel id or name: an SMS, Viber or Telegram channel', appliesTo: ['channel'] },
    { flags: '--waba <waba>', description: 'WABA id or name', appliesTo: ['waba'] },
    { flags: '--name <name>', description: 'a descriptive name (required)', appliesTo: ['bearer'] },
    { flags: '--scope <scope>', description: 'a scope, repeatable or comma-separated; none = full access', appliesTo: ['bearer'], repeatable: true },
    { flags: '--test', description: 'a test key (oct_test_) instead of a live one', appliesTo: ['bearer'] },
    { flags: '--expires-in <duration>', description: 'expire after DURATION, e.g. 90d', appliesTo: ['bearer'] },
    { flags: '--rate-limit <n/window>', description: 'at most N requests per window, e.g. 100/1m', appliesTo: KEY_KINDS },
    ...DOTENV_OPTIONS.map((o) => ({ ...o, appliesTo: KEY_KINDS })),
  ],
};

const KIND_CHOICES: Choice<KeyKind>[] = [
  { name: 'Workspace API Key (one workspace)', value: 'workspace' },
  { name: 'Channel API Key (one SMS, Viber or Telegram channel)', value: 'channel' },
  { name: 'WhatsApp Business API Key (one WABA)', value: 'waba' },
  { name: 'Bearer API Key (scoped)', value: 'bearer' },
];

/** The choice that stands for "no scopes": full access is chosen, never what an empty answer means. */
const FULL_ACCESS = '*full-access*';

export function registerKeyCreate(keys: Command, session: Session): void {
  const { out } = session;
  addOptions(keys.command('create [kind]'), CREATE_OPTIONS, 'kind')
    .description('create a key: workspace, channel, waba or bearer (asks on a terminal when something is missing)')
    .addHelpText('after', `
Examples:
  $ octo keys create workspace --workspace Acme
  $ octo keys create channel --channel "Support line"
  $ octo keys create waba --waba "Acme WABA"
  $ octo keys create bearer --name "Production Server" --scope posts:read --scope posts:write --expires-in 90d
  $ octo keys create channel --channel "Support line" --dotenv .env.local --env-var SMS_KEY

A bearer key without --scope has full access. An option the kind does not take is a usage error.
The whole key is printed once on stdout (with --dotenv: written to the file instead, never
printed); bearer keys cannot be shown again.`)
    .action(act(session, async (kindArg: string | undefined, opts: Opts) => {
      const sink = await dotenvSink(opts);
      const input = await createInput(session, kindArg, opts);
      const issued = await createKey(session.ctx, input, sink?.keep);
      const view = keyView(issued.key, session.ctx.now());
      if (out.json) return out.document(sink ? { key: view, dotenv: dotenvView(sink.written()) } : { key: view, secret: issued.secret });
      out.info(out.e.green('✔ ') + `Created ${view.label} ${out.e.bold(view.id)} ` + (view.subject ? `for ${view.subject.type} ${view.subject.name}` : bearerSummary(session, view)));
      if (sink) {
        printEnvWrite(out, sink.written(), opts.dotenv as string);
        if (view.kind === 'bearer') out.info(out.e.yellow(`octo keeps no copy of a bearer key: ${opts.dotenv as string} holds the only one.`));
        return;
      }
      out.line(issued.secret);
      out.info(view.kind === 'bearer'
        ? out.e.yellow('This is the only time this key is shown. Store it in a secrets manager now.')
        : `Copy it again any time with \`octo keys copy ${view.id}\`.`);
    }));
}

/** `"CI" (live, full access)`: what the key may do is said, above all when it may do everything. */
function bearerSummary(session: Session, view: KeyView): string {
  const access = view.scopes === null ? session.out.e.yellow('full access') : `scopes ${view.scopes.join(', ')}`;
  return `"${view.name}" (${view.env}, ${access})`;
}

/** Flags first; on a terminal, prompts for what is missing; off one, a usage error naming the flag. */
async function createInput(session: Session, kindArg: string | undefined, opts: Opts): Promise<CreateKeyInput> {
  const { prompt } = session;
  // Flag values are checked before any prompt, so a typo is reported before questions are asked.
  if (kindArg !== undefined && !(KEY_KINDS as readonly string[]).includes(kindArg)) {
    throw new UsageError(`invalid kind "${kindArg}"`, `pass one of: ${KEY_KINDS.join(', ')}`);
  }
  if (kindArg !== undefined) checkOptions(CREATE_OPTIONS, kindArg as KeyKind, opts);
  const rateLimit = opts.rateLimit ? parseRateLimit(opts.rateLimit as string) : undefined;
  const expiresIn = opts.expiresIn ? parseDuration(opts.expiresIn as string, '--expires-in') : undefined;
  const kind = (kindArg as KeyKind | undefined) ?? await askKind(session, opts);
  const ctx = session.ctx;
  const limit = rateLimit ? { rateLimit } : {};
  switch (kind) {
    case 'workspace': {
      const workspace = (opts.workspace as string | undefined) ?? await prompt.select('Which workspace?',
        (await listWorkspaces(ctx)).map((w) => ({ name: `${w.name} (${w.id})`, value: w.id })), { what: 'the workspace', flag: '--workspace WS' });
      return { kind, workspace, ...limit };
    }
    case 'channel': {
      const channel = (opts.channel as string | undefined) ?? await prompt.select('Which channel?',
        (await listChannels(ctx)).filter((c) => c.type !== 'whatsapp').map((c) => ({ name: `${c.name} (${c.type}, ${c.id})`, value: c.id })),
        { what: 'the channel', flag: '--channel CH' });
      return { kind, channel, ...limit };
    }
    case 'waba': {
      const waba = (opts.waba as string | undefined) ?? await prompt.select('Which WABA?',
        (await listWabas(ctx)).map((b) => ({ name: `${b.name} (${b.id})`, value: b.id })), { what: 'the WABA', flag: '--waba WABA' });
      return { kind, waba, ...limit };
    }
    case 'bearer': {
      const name = (opts.name as string | undefined) ?? await prompt.input('Name of the key (e.g. "Production Server"):', { what: 'the key name', flag: '--name NAME' });
      let scopes = (opts.scope as string[] | undefined) ?? [];
      // Walked through the prompts, scopes are asked too; with --name given, no --scope is full access.
      if (scopes.length === 0 && prompt.interactive && opts.name === undefined) scopes = await askScopes(session);
      return {
        kind, name, scopes, test: opts.test === true,
        ...(expiresIn !== undefined ? { expiresInSeconds: expiresIn } : {}),
        ...limit,
      };
    }
  }
}

/** The kinds offered are those that take every option given (`--name` → bearer only). */
function askKind(session: Session, opts: Opts): Promise<KeyKind> {
  const fitting = variantsTaking(CREATE_OPTIONS, opts);
  return session.prompt.select<KeyKind>('Which kind of key?', KIND_CHOICES.filter((c) => fitting.includes(c.value)),
    { what: 'the kind of key', flag: 'a kind: `octo keys create workspace|channel|waba|bearer`' });
}

/**
 * Scopes, or full access as a choice of its own: Enter with nothing ticked asks again, so that two
 * Enters never make a key that may do everything.
 */
async function askScopes(session: Session): Promise<string[]> {
  const chosen = await session.prompt.checkbox('Scopes (space to tick, enter to confirm):', [
    { name: 'Full access: every scope, admin included', value: FULL_ACCESS },
    ...ALL_SCOPES.map((s) => ({ name: s, value: s })),
  ], { what: 'scopes', flag: '--scope' }, (values) => {
    if (values.length === 0) return 'Tick the scopes this key needs, or "Full access" for a key that may do everything';
    if (values.includes(FULL_ACCESS) && values.length > 1) return '"Full access" already includes every scope: tick it alone';
    return true;
  });
  return chosen.includes(FULL_ACCESS) ? [] : chosen;
}
