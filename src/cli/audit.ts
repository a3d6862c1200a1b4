import type { Command } from 'commander';
import { listAudit } from '../app/audit.js';
import { resolveKeyId } from '../app/resolve.js';
import { parseDuration } from '../core/duration.js';
import { printTable } from '../ui/table.js';
import { formatTime } from '../ui/time.js';
import { keyArg, keyRefHelp } from './key-arg.js';
import { addListingOptions, parseLimit } from './listing-options.js';
import { act, type Session } from './session.js';

export function registerAudit(program: Command, session: Session): void {
  const { out } = session;
  addListingOptions(program.command('audit')
    .description('the audit log, newest first: every change, who made it and when (never a secret)')
    .option('--key <key-id>', 'only events that touched this key (id, prefix, the whole key, or -)')
    .option('--since <duration>', 'only the last DURATION, e.g. 7d')
    .option('--limit <n>', 'only the newest N events', parseLimit), { quiet: false })
    .addHelpText('after', keyRefHelp('octo audit --key - < leaked.txt'))
    .action(act(session, async (opts: Record<string, unknown>) => {
      const sinceSeconds = opts.since ? parseDuration(opts.since as string, '--since') : undefined;
      const keyId = opts.key ? await resolveKeyId(session.ctx, await keyArg(session.prompt, opts.key as string)) : undefined;
      const events = await listAudit(session.ctx, { keyId, sinceSeconds, limit: opts.limit as number | undefined });
      if (out.json) return out.document({ events });
      if (events.length === 0) return out.info('No audit events match.');
      await printTable(out, [
        { title: 'TIME', fit: 'wrap' }, { title: 'ACTOR', fit: 'truncate' }, 'ACTION', 'KEY', { title: 'SUBJECT', fit: 'words' }, { title: 'DETAIL', fit: 'wrap', drop: 1 },
      ], events.map((e) => [
        formatTime(e.at), e.actor, e.action, e.key_id ?? '', e.subject ? `${e.subject.type} ${e.subject.id}` : '',
        e.detail ? JSON.stringify(e.detail) : '',
      ]));
    }));
}
