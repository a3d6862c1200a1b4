import type { Command } from 'commander';
import { getKey, listKeys, renameKey, revealKey, revokeKey, rotateKey, scopeKey } from '../app/keys.js';
import { parseDuration } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import type { KeyKind } from '../core/key-format.js';
import { KEY_KINDS, KEY_SORTS, KEY_STATUSES, keyView, toIso, type KeySort, type KeyStatus } from '../core/model.js';
import { copyToClipboard } from '../ui/clipboard.js';
import { formatTime } from '../ui/time.js';
import { printKeyDetails, printKeyTable } from '../ui/render-keys.js';
import { DOTENV_OPTIONS, dotenvSink, dotenvView, printEnvWrite } from './dotenv-option.js';
import { registerKeyCreate } from './key-create.js';
import { KEY_REF, keyArg, keyRefHelp } from './key-arg.js';
import { addListingOptions, parseLimit } from './listing-options.js';
import { act, type Session } from './session.js';

const collect = (value: string, previous: string[]) => [...previous, value];
type Opts = Record<string, unknown>;

/** The lifecycle subcommands of `octo keys` (verify, scan and check live in their own files). */
export function registerKeys(keys: Command, session: Session): void {
  const { out } = session;

  registerKeyCreate(keys, session);

  addListingOptions(keys.command('list')
    .description('list keys (masked, never the secret), oldest first unless --sort says otherwise')
    .option('--kind <kind>', `only this kind: ${KEY_KINDS.join(', ')}`)
    .option('--status <status>', `only this status: ${KEY_STATUSES.join(', ')}`)
    .option('--workspace <ws>', 'only keys of this workspace and its channels and WABAs')
    .option('--name <text>', "only keys whose name (or subject's name) contains TEXT, ignoring case")
    .option('--sort <field>', `${KEY_SORTS.join(', ')} (default: created); a leading - reverses it, e.g. --sort -created for the newest first`)
    .option('--limit <n>', 'at most N keys', parseLimit))
    .addHelpText('after', `
Examples:
  $ octo keys list --status active --sort -last-used --limit 10
  $ octo keys list --kind bearer --name ci -q | xargs -n1 octo keys revoke --yes
  $ octo keys list --format csv > keys.csv`)
    .action(act(session, async (opts: Opts) => {
      const kind = oneOf(opts.kind as string | undefined, KEY_KINDS, '--kind') as KeyKind | undefined;
      const status = oneOf(opts.status as string | undefined, KEY_STATUSES, '--status') as KeyStatus | undefined;
      const found = listKeys(session.ctx, {
        kind, status, workspace: opts.workspace as string | undefined, name: opts.name as string | undefined,
        sort: parseKeySort(opts.sort as string | undefined), limit: opts.limit as number | undefined,
      });
      if (out.json) await out.streamDocument('keys', found);
      else if (out.quiet) await out.ids(map(found, (k) => k.id));
      else await printKeyTable(out, found);
    }));

  keys.command('show <key-id>')
    .description(`one key in detail (${KEY_REF})`)
    .addHelpText('after', keyRefHelp('octo keys show - --json < leaked.txt'))
    .action(act(session, async (ref: string) => {
      const key = await getKey(session.ctx, await keyArg(session.prompt, ref));
      const view = keyView(key, session.ctx.now());
      if (out.json) return out.document({ key: view });
      printKeyDetails(out, view, { reason: key.revokedReason, graceUntil: toIso(key.graceUntil) });
    }));

  keys.command('copy <key-id>')
    .description('copy a workspace, channel or WABA key to the clipboard (bearer keys are shown only once)')
    .option('--print', 'write the key to stdout instead')
    .addHelpText('after', keyRefHelp('octo keys copy - < key.txt'))
    .action(act(session, async (ref: string, opts: Opts) => {
      const { key, secret } = await revealKey(session.ctx, await keyArg(session.prompt, ref), opts.print ? 'stdout' : 'clipboard');
      if (opts.print) {
        if (out.json) return out.document({ key: keyView(key, session.ctx.now()), secret });
        return out.line(secret);
      }
      await copyToClipboard(secret, `octo keys copy ${key.id} --print`);
      if (out.json) return out.document({ key: keyView(key, session.ctx.now()), copied: true });
      out.info(out.e.green('✔ ') + `Copied ${key.masked} to the clipboard.`);
    }));

  keys.command('scope <key-id>')
    .description("change a bearer key's scopes")
    .option('--add <scope>', 'grant a scope (repeatable)', collect, [])
    .option('--remove <scope>', 'withdraw a scope (repeatable)', collect, [])
    .option('--full-access', 'drop every restriction')
    .addHelpText('after', '\nExample:\n  $ octo keys scope key_4fQ --add posts:write --remove accounts:read\n' + keyRefHelp('octo keys scope - --remove posts:write < leaked.txt'))
    .action(act(session, async (ref: string, opts: Opts) => {
      const key = await scopeKey(session.ctx, await keyArg(session.prompt, ref), {
        add: opts.add as string[], remove: opts.remove as string[], fullAccess: opts.fullAccess === true,
      });
      const view = keyView(key, session.ctx.now());
      if (out.json) return out.document({ key: view });
      out.info(out.e.green('✔ ') + `${view.id} now has ${view.scopes === null ? 'full access' : 'the scopes ' + view.scopes.join(', ')}.`);
    }));

  const rotate = keys.command('rotate <key-id>')
    .description('issue a successor with the same subject and scopes, and retire the old key')
    .option('--grace <duration>', 'keep accepting the old key for DURATION, e.g. 24h (default: none)');
  for (const o of DOTENV_OPTIONS) rotate.option(o.flags, o.description);
  rotate
    .addHelpText('after', keyRefHelp('octo keys rotate - --grace 1h < leaked.txt'))
    .action(act(session, async (ref: string, opts: Opts) => {
      const grace = opts.grace ? parseDuration(opts.grace as string, '--grace') : 0;
      const sink = await dotenvSink(opts);
      const rotated = await rotateKey(session.ctx, await keyArg(session.prompt, ref), grace, sink?.keep);
      const now = session.ctx.now();
      const view = keyView(rotated.key, now);
      const replaced = keyView(rotated.replaced, now);
      if (out.json) return out.document(sink ? { key: view, dotenv: dotenvView(sink.written()), replaced } : { key: view, secret: rotated.secret, replaced });
      out.info(out.e.green('✔ ') + `Rotated ${rotated.replaced.id} → ${out.e.bold(view.id)} (${view.label})`);
      if (sink) printEnvWrite(out, sink.written(), opts.dotenv as string);
      else out.line(rotated.secret);
      out.info(grace > 0
        ? `The old key is accepted until ${formatTime(rotated.replaced.graceUntil)}; update your integration before then.`
        : 'The old key is no longer accepted; update your integration now.');
    }));

  keys.command('rename <key-id> <new-name>')
    .description(`rename a bearer key (${KEY_REF}); other keys are named by their subject`)
    .addHelpText('after', '\nExample:\n  $ octo keys rename key_4fQ "CI pipeline (staging)"\n' + keyRefHelp('octo keys rename - "leaked, to revoke" < leaked.txt'))
    .action(act(session, async (ref: string, name: string) => {
      const { key, previousName } = await renameKey(session.ctx, await keyArg(session.prompt, ref), name);
      const view = keyView(key, session.ctx.now());
      if (out.json) return out.document({ key: view });
      out.info(out.e.green('✔ ') + (previousName === view.name
        ? `${view.id} is already named "${view.name}".`
        : `Renamed ${view.id} "${previousName}" to ${out.e.bold(`"${view.name}"`)}.`));
    }));

  keys.command('revoke <key-id>')
    .description('revoke a key at once (asks to confirm on a terminal unless --yes)')
    .option('--reason <text>', 'why, for the audit log')
    .addHelpText('after', keyRefHelp('octo keys revoke - --reason "leaked in CI logs" --yes < leaked.txt'))
    .action(act(session, async (ref: string, opts: Opts) => {
      const key = await getKey(session.ctx, await keyArg(session.prompt, ref));
      const ok = await session.prompt.confirm(`Revoke ${key.id} (${key.masked})? Integrations using it stop working at once.`, session.yes, `octo keys revoke ${key.id}`);
      if (!ok) {
        out.info('Nothing revoked.');
        session.exitCode = 1;
        return;
      }
      const revoked = await revokeKey(session.ctx, key.id, (opts.reason as string | undefined) ?? null);
      const view = keyView(revoked, session.ctx.now());
      if (out.json) return out.document({ key: view });
      out.info(out.e.green('✔ ') + `Revoked ${view.id} (${view.masked}).`);
    }));
}

/** `--sort last-used` or `--sort -last-used` (descending). */
function parseKeySort(value: string | undefined): KeySort | undefined {
  if (value === undefined) return undefined;
  const descending = value.startsWith('-');
  const by = descending ? value.slice(1) : value;
  if (!(KEY_SORTS as readonly string[]).includes(by)) {
    throw new UsageError(`invalid --sort "${value}"`, `pass one of: ${KEY_SORTS.join(', ')}, with - in front for the reverse order (e.g. --sort -created: the newest first)`);
  }
  return { by: by as KeySort['by'], descending };
}

async function* map<T, U>(items: AsyncIterable<T>, f: (item: T) => U): AsyncGenerator<U> {
  for await (const item of items) yield f(item);
}

function oneOf(value: string | undefined, allowed: readonly string[], flag: string): string | undefined {
  if (value === undefined || allowed.includes(value)) return value;
  throw new UsageError(`invalid ${flag} "${value}"`, `pass one of: ${allowed.join(', ')}`);
}
