import type { Command } from 'commander';
import { resolveSubjectId } from '../app/resolve.js';
import { addChannel, addWaba, addWorkspace, listChannels, listWabas, listWorkspaces } from '../app/subjects.js';
import { CHANNEL_TYPES, PLATFORMS, type ChannelType } from '../core/model.js';
import { printTable } from '../ui/table.js';
import { addListingOptions } from './listing-options.js';
import { addOptions, checkOptions, variantsTaking, type OptionTable } from './option-rules.js';
import { act, type Session } from './session.js';
import { registerSubjectChanges, subjectView } from './subject-changes.js';

const NO_KEY = 'No API key generated';

/** Which option of `channels add` each type of channel takes: only a WhatsApp number has a WABA. */
const CHANNEL_OPTIONS: OptionTable<ChannelType> = {
  variants: CHANNEL_TYPES,
  noun: (type) => `${type === 'sms' ? 'an' : 'a'} ${type} channel`,
  rows: [
    { flags: '--workspace <ws>', description: 'workspace id or name (asked on a terminal)', appliesTo: CHANNEL_TYPES },
    { flags: '--type <type>', description: 'sms, viber, telegram or whatsapp (asked on a terminal)', appliesTo: CHANNEL_TYPES },
    { flags: '--waba <waba>', description: 'the WABA the number is attached to (asked on a terminal)', appliesTo: ['whatsapp'] },
    { flags: '--id <id>', description: 'the channel id (default: generated)', appliesTo: CHANNEL_TYPES },
  ],
};

const isChannelType = (value: unknown): value is ChannelType => (CHANNEL_TYPES as readonly unknown[]).includes(value);

export function registerSubjects(program: Command, session: Session): void {
  const { out } = session;

  const workspaces = program.command('workspaces').description('Intercom and HubSpot workspaces');
  workspaces.command('add <name>')
    .description('add a workspace')
    .option('--platform <platform>', 'intercom or hubspot (asked on a terminal)')
    .option('--id <id>', 'the workspace id (default: generated)')
    .addHelpText('after', '\nExample:\n  $ octo workspaces add Acme --platform intercom --id acme')
    .action(act(session, async (name: string, opts: Record<string, unknown>) => {
      const platform = (opts.platform as string | undefined) ?? await session.prompt.select('Which platform?',
        PLATFORMS.map((p) => ({ name: p, value: p as string })), { what: 'the platform', flag: '--platform intercom|hubspot' });
      const ws = await addWorkspace(session.ctx, { name, platform, id: opts.id as string | undefined });
      if (out.json) out.document({ workspace: subjectView(ws) });
      else out.line(`Added workspace ${out.c.bold(ws.name)} (${ws.id}, ${ws.platform})`);
    }));
  addListingOptions(workspaces.command('list')
    .description('every workspace with its Workspace API Key, or "No API key generated"'))
    .action(act(session, async () => {
      const list = await listWorkspaces(session.ctx);
      if (out.json) return out.document({ workspaces: list });
      if (out.quiet) return out.ids(list.map((w) => w.id));
      if (list.length === 0) return out.info('No workspaces yet. Add one with `octo workspaces add NAME --platform intercom`.');
      await printTable(out, [{ title: 'WORKSPACE', fit: 'truncate' }, 'ID', 'PLATFORM', 'API KEY', 'KEY ID'],
        list.map((w) => [w.name, w.id, w.platform, w.key ? w.key.masked : out.c.dim(NO_KEY), w.key?.id ?? '']));
    }));

  const wabas = program.command('wabas').description('WhatsApp Business Accounts');
  wabas.command('add <name>')
    .description('add a WABA to a workspace')
    .option('--workspace <ws>', 'workspace id or name (asked on a terminal)')
    .option('--id <id>', 'the WABA id (default: generated)')
    .action(act(session, async (name: string, opts: Record<string, unknown>) => {
      const workspace = (opts.workspace as string | undefined) ?? await askWorkspace(session);
      const waba = await addWaba(session.ctx, { name, workspace, id: opts.id as string | undefined });
      if (out.json) out.document({ waba: subjectView(waba) });
      else out.line(`Added WABA ${out.c.bold(waba.name)} (${waba.id})`);
    }));
  addListingOptions(wabas.command('list')
    .description('every WABA with its WhatsApp Business API Key')
    .option('--workspace <ws>', 'only this workspace'))
    .action(act(session, async (opts: Record<string, unknown>) => {
      const list = await listWabas(session.ctx, { workspace: opts.workspace as string | undefined });
      if (out.json) return out.document({ wabas: list });
      if (out.quiet) return out.ids(list.map((b) => b.id));
      if (list.length === 0) return out.info(await addFirst(session, opts, 'WABAs', (ws) => `octo wabas add NAME --workspace ${ws}`));
      await printTable(out, [{ title: 'WABA', fit: 'truncate' }, 'ID', { title: 'WORKSPACE', fit: 'truncate' }, 'API KEY', 'KEY ID'],
        list.map((b) => [b.name, b.id, b.workspace.name, b.key ? b.key.masked : out.c.dim(NO_KEY), b.key?.id ?? '']));
    }));

  const channels = program.command('channels').description('SMS lines, Viber senders, Telegram bots and WhatsApp numbers');
  addOptions(channels.command('add <name>'), CHANNEL_OPTIONS, 'type')
    .description('add a channel to a workspace (a WhatsApp number also names its WABA)')
    .addHelpText('after', '\nExamples:\n  $ octo channels add "Support line" --workspace Acme --type sms\n  $ octo channels add "+1 555 0100" --workspace Acme --type whatsapp --waba "Acme WABA"')
    .action(act(session, async (name: string, opts: Record<string, unknown>) => {
      if (isChannelType(opts.type)) checkOptions(CHANNEL_OPTIONS, opts.type, opts);
      const workspace = (opts.workspace as string | undefined) ?? await askWorkspace(session);
      const type = (opts.type as string | undefined) ?? await session.prompt.select('Which type of channel?',
        variantsTaking(CHANNEL_OPTIONS, opts).map((t) => ({ name: t, value: t as string })), { what: 'the channel type', flag: '--type sms|viber|telegram|whatsapp' });
      let waba = opts.waba as string | undefined;
      if (type === 'whatsapp' && waba === undefined && session.prompt.interactive) {
        waba = await session.prompt.select('Which WABA is this number attached to?',
          (await listWabas(session.ctx, { workspace })).map((b) => ({ name: `${b.name} (${b.id})`, value: b.id })), { what: 'the WABA', flag: '--waba WABA' });
      }
      const ch = await addChannel(session.ctx, { name, workspace, type, waba, id: opts.id as string | undefined });
      if (out.json) out.document({ channel: subjectView(ch) });
      else out.line(`Added ${ch.type} channel ${out.c.bold(ch.name)} (${ch.id})`);
    }));
  addListingOptions(channels.command('list')
    .description('every channel with the key that serves it')
    .option('--workspace <ws>', 'only this workspace'))
    .action(act(session, async (opts: Record<string, unknown>) => {
      const list = await listChannels(session.ctx, { workspace: opts.workspace as string | undefined });
      if (out.json) return out.document({ channels: list });
      if (out.quiet) return out.ids(list.map((ch) => ch.id));
      if (list.length === 0) return out.info(await addFirst(session, opts, 'channels', (ws) => `octo channels add NAME --workspace ${ws} --type sms`));
      await printTable(out, [
        { title: 'CHANNEL', fit: 'truncate' }, 'ID', { title: 'TYPE', drop: 3 }, { title: 'WORKSPACE', fit: 'truncate', drop: 2 },
        { title: 'WABA', fit: 'truncate', drop: 1 }, { title: 'API KEY', fit: 'words' }, 'KEY ID',
      ],
        list.map((ch) => [ch.name, ch.id, ch.type, ch.workspace.name, ch.waba?.name ?? '', ch.key ? `${ch.key.masked} (${ch.key.label})` : out.c.dim(NO_KEY), ch.key?.id ?? '']));
    }));

  registerSubjectChanges(workspaces, 'workspace', session);
  registerSubjectChanges(wabas, 'waba', session);
  registerSubjectChanges(channels, 'channel', session);
}

/**
 * What to say when a listing is empty: the command that adds the first one, with the workspace the
 * listing was narrowed to (or the only one there is) by its id, or first a workspace if none exists.
 */
async function addFirst(session: Session, opts: Record<string, unknown>, what: string, command: (ws: string) => string): Promise<string> {
  const all = await listWorkspaces(session.ctx);
  if (all.length === 0) return `No ${what} yet. Add a workspace first with \`octo workspaces add NAME --platform intercom\`.`;
  const given = opts.workspace as string | undefined;
  const ws = given ? await resolveSubjectId(session.ctx, 'workspace', given) : all.length === 1 ? all[0]!.id : 'WS';
  return `No ${what} yet. Add one with \`${command(ws)}\`.`;
}

async function askWorkspace(session: Session): Promise<string> {
  return session.prompt.select('Which workspace?',
    (await listWorkspaces(session.ctx)).map((w) => ({ name: `${w.name} (${w.id})`, value: w.id })), { what: 'the workspace', flag: '--workspace WS' });
}
