import type { Command } from 'commander';
import { createKey, getKey, listKeys, revealKey, revokeKey, rotateKey, scopeKey, type CreateKeyInput } from '../app/keys.js';
import { listChannels, listWabas, listWorkspaces } from '../app/subjects.js';
import { parseDuration, parseRateLimit } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import type { KeyKind } from '../core/key-format.js';
import { KEY_KINDS, KEY_STATUSES, keyView, toIso, type KeyStatus } from '../core/model.js';
import { ALL_SCOPES } from '../core/scopes.js';
import { copyToClipboard } from '../ui/clipboard.js';
import { formatTime } from '../ui/time.js';
import { printKeyDetails, printKeyTable } from '../ui/render-keys.js';
import { KEY_REF, keyArg, keyRefHelp } from './key-arg.js';
import { act, type Session } from './session.js';

const collect = (value: string, previous: string[]) => [...previous, value];
type Opts = Record<string, unknown>;

/** The lifecycle subcommands of `octo keys` (verify, scan and check live in their own files). */
export function registerKeys(keys: Command, session: Session): void {
  const { out } = session;

  keys.command('create [kind]')
    .description('create a key: workspace, channel, waba or bearer (asks on a terminal when something is missing)')
    .option('--workspace <ws>', 'workspace id or name (kind workspace)')
    .option('--channel <ch>', 'channel id or name (kind channel: sms, viber or telegram)')
    .option('--waba <waba>', 'WABA id or name (kind waba)')
    .option('--name <name>', 'a descriptive name (kind bearer, required)')
    .option('--scope <scope>', 'a scope, repeatable or comma-separated (bearer; none = full access)', collect, [])
    .option('--test', 'a test key (oct_test_) instead of a live one (bearer)')
    .option('--expires-in <duration>', 'expire after DURATION, e.g. 90d (bearer)')
    .option('--rate-limit <n/window>', 'at most N requests per window, e.g. 100/1m')
    .addHelpText('after', `
Examples:
  $ octo keys create workspace --workspace Acme
  $ octo keys create channel --channel "Support line"
  $ octo keys create waba --waba "Acme WABA"
  $ octo keys create bearer --name "Production Server" --scope posts:read --scope posts:write --expires-in 90d

The whole key is printed once on stdout; bearer keys cannot be shown again.`)
    .action(act(session, async (kindArg: string | undefined, opts: Opts) => {
      const input = await createInput(session, kindArg, opts);
      const issued = createKey(session.ctx, input);
      const view = keyView(issued.key, session.ctx.now());
      if (out.json) return out.document({ key: view, secret: issued.secret });
      out.info(out.e.green('✔ ') + `Created ${view.label} ${out.e.bold(view.id)}` + (view.subject ? ` for ${view.subject.type} ${view.subject.name}` : ` "${view.name}"`));
      out.line(issued.secret);
      out.info(view.kind === 'bearer'
        ? out.e.yellow('This is the only time this key is shown. Store it in a secrets manager now.')
        : `Copy it again any time with \`octo keys copy ${view.id}\`.`);
    }));

  keys.command('list')
    .description('list keys (masked, never the secret)')
    .option('--kind <kind>', `only this kind: ${KEY_KINDS.join(', ')}`)
    .option('--status <status>', `only this status: ${KEY_STATUSES.join(', ')}`)
    .option('--workspace <ws>', 'only keys of this workspace and its channels and WABAs')
    .action(act(session, async (opts: Opts) => {
      const kind = oneOf(opts.kind as string | undefined, KEY_KINDS, '--kind') as KeyKind | undefined;
      const status = oneOf(opts.status as string | undefined, KEY_STATUSES, '--status') as KeyStatus | undefined;
      const found = listKeys(session.ctx, { kind, status, workspace: opts.workspace as string | undefined });
      if (out.json) await out.streamDocument('keys', found);
      else await printKeyTable(out, found);
    }));

  keys.command('show <key-id>')
    .description(`one key in detail (${KEY_REF})`)
    .addHelpText('after', keyRefHelp('octo keys show - --json < leaked.txt'))
    .action(act(session, async (ref: string) => {
      const key = getKey(session.ctx, await keyArg(session.prompt, ref));
      const view = keyView(key, session.ctx.now());
      if (out.json) return out.document({ key: view });
      printKeyDetails(out, view, { reason: key.revokedReason, graceUntil: toIso(key.graceUntil) });
    }));

  keys.command('copy <key-id>')
    .description('copy a workspace, channel or WABA key to the clipboard (bearer keys are shown only once)')
    .option('--print', 'write the key to stdout instead')
    .addHelpText('after', keyRefHelp('octo keys copy - < key.txt'))
    .action(act(session, async (ref: string, opts: Opts) => {
      const { key, secret } = revealKey(session.ctx, await keyArg(session.prompt, ref));
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
      const key = scopeKey(session.ctx, await keyArg(session.prompt, ref), {
        add: opts.add as string[], remove: opts.remove as string[], fullAccess: opts.fullAccess === true,
      });
      const view = keyView(key, session.ctx.now());
      if (out.json) return out.document({ key: view });
      out.info(out.e.green('✔ ') + `${view.id} now has ${view.scopes === null ? 'full access' : 'the scopes ' + view.scopes.join(', ')}.`);
    }));

  keys.command('rotate <key-id>')
    .description('issue a successor with the same subject and scopes, and retire the old key')
    .option('--grace <duration>', 'keep accepting the old key for DURATION, e.g. 24h (default: none)')
    .addHelpText('after', keyRefHelp('octo keys rotate - --grace 1h < leaked.txt'))
    .action(act(session, async (ref: string, opts: Opts) => {
      const grace = opts.grace ? parseDuration(opts.grace as string, '--grace') : 0;
      const rotated = rotateKey(session.ctx, await keyArg(session.prompt, ref), grace);
      const now = session.ctx.now();
      const view = keyView(rotated.key, now);
      if (out.json) return out.document({ key: view, secret: rotated.secret, replaced: keyView(rotated.replaced, now) });
      out.info(out.e.green('✔ ') + `Rotated ${rotated.replaced.id} → ${out.e.bold(view.id)} (${view.label})`);
      out.line(rotated.secret);
      out.info(grace > 0
        ? `The old key is accepted until ${formatTime(rotated.replaced.graceUntil)}; update your integration before then.`
        : 'The old key is no longer accepted; update your integration now.');
    }));

  keys.command('revoke <key-id>')
    .description('revoke a key at once (asks to confirm on a terminal unless --yes)')
    .option('--reason <text>', 'why, for the audit log')
    .addHelpText('after', keyRefHelp('octo keys revoke - --reason "leaked in CI logs" --yes < leaked.txt'))
    .action(act(session, async (ref: string, opts: Opts) => {
      const key = getKey(session.ctx, await keyArg(session.prompt, ref));
      const ok = await session.prompt.confirm(`Revoke ${key.id} (${key.masked})? Integrations using it stop working at once.`, session.yes, `octo keys revoke ${key.id}`);
      if (!ok) {
        out.info('Nothing revoked.');
        session.exitCode = 1;
        return;
      }
      const revoked = revokeKey(session.ctx, key.id, (opts.reason as string | undefined) ?? null);
      const view = keyView(revoked, session.ctx.now());
      if (out.json) return out.document({ key: view });
      out.info(out.e.green('✔ ') + `Revoked ${view.id} (${view.masked}).`);
    }));
}

function oneOf(value: string | undefined, allowed: readonly string[], flag: string): string | undefined {
  if (value === undefined || allowed.includes(value)) return value;
  throw new UsageError(`invalid ${flag} "${value}"`, `pass one of: ${allowed.join(', ')}`);
}

/** Flags first; on a terminal, prompts for what is missing; off one, a usage error naming the flag. */
async function createInput(session: Session, kindArg: string | undefined, opts: Opts): Promise<CreateKeyInput> {
  const { prompt } = session;
  // Flag values are checked before any prompt, so a typo is reported before questions are asked.
  const rateLimit = opts.rateLimit ? parseRateLimit(opts.rateLimit as string) : undefined;
  const expiresIn = opts.expiresIn ? parseDuration(opts.expiresIn as string, '--expires-in') : undefined;
  const kind = kindArg
    ? (oneOf(kindArg, KEY_KINDS, 'kind') as KeyKind)
    : await prompt.select<KeyKind>('Which kind of key?', [
        { name: 'Workspace API Key (one workspace)', value: 'workspace' },
        { name: 'Channel API Key (one SMS, Viber or Telegram channel)', value: 'channel' },
        { name: 'WhatsApp Business API Key (one WABA)', value: 'waba' },
        { name: 'Bearer API Key (scoped)', value: 'bearer' },
      ], { what: 'the kind of key', flag: 'a kind: `octo keys create workspace|channel|waba|bearer`' });
  const ctx = session.ctx;
  switch (kind) {
    case 'workspace': {
      const workspace = (opts.workspace as string | undefined) ?? await prompt.select('Which workspace?',
        listWorkspaces(ctx).map((w) => ({ name: `${w.name} (${w.id})`, value: w.id })), { what: 'the workspace', flag: '--workspace WS' });
      return { kind, workspace, ...(rateLimit ? { rateLimit } : {}) };
    }
    case 'channel': {
      const channel = (opts.channel as string | undefined) ?? await prompt.select('Which channel?',
        listChannels(ctx).filter((c) => c.type !== 'whatsapp').map((c) => ({ name: `${c.name} (${c.type}, ${c.id})`, value: c.id })),
        { what: 'the channel', flag: '--channel CH' });
      return { kind, channel, ...(rateLimit ? { rateLimit } : {}) };
    }
    case 'waba': {
      const waba = (opts.waba as string | undefined) ?? await prompt.select('Which WABA?',
        listWabas(ctx).map((b) => ({ name: `${b.name} (${b.id})`, value: b.id })), { what: 'the WABA', flag: '--waba WABA' });
      return { kind, waba, ...(rateLimit ? { rateLimit } : {}) };
    }
    case 'bearer': {
      const name = (opts.name as string | undefined) ?? await prompt.input('Name of the key (e.g. "Production Server"):', { what: 'the key name', flag: '--name NAME' });
      let scopes = opts.scope as string[];
      if (scopes.length === 0 && prompt.interactive && opts.name === undefined) {
        scopes = await prompt.checkbox('Scopes (none selected = full access):', ALL_SCOPES.map((s) => ({ name: s, value: s })), { what: 'scopes', flag: '--scope' });
      }
      return {
        kind, name, scopes, test: opts.test === true,
        ...(expiresIn !== undefined ? { expiresInSeconds: expiresIn } : {}),
        ...(rateLimit ? { rateLimit } : {}),
      };
    }
  }
}
