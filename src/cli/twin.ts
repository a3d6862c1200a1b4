import type { Command } from 'commander';
import type { TwinQuery, TwinSource } from '../app/twin-client.js';
import { twinSource } from '../app/twin-keystore.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { OctoError, UsageError } from '../core/errors.js';
import { isStatusPattern } from '../core/twin.js';
import { formatJournalLine, journalRows, JOURNAL_COLUMNS, messageLine, messageRows, MESSAGE_COLUMNS } from '../ui/render-twin.js';
import { printTable } from '../ui/table.js';
import { addListingOptions, parseLimit } from './listing-options.js';
import { act, type Session } from './session.js';

const SERVER_FLAG = '--server <url>';
const SERVER_HELP = 'ask this running `octo serve` instead of the keystore (default: $OCTO_SERVER; the only way to reach an --ephemeral one)';
const TWIN_HELP = `
\`octo serve\` writes what it accepted and answered to its keystore a few times a second (keeping
--outbox-size messages and --journal-size requests): these commands read the keystore (--db,
$OCTO_DB), whether serve still runs or not. With --server URL (or $OCTO_SERVER) they ask that
verifier over HTTP instead: the only way to reach an --ephemeral one, and no delay at all. A
verifier that is not on this machine answers when started with --admin-token; set
OCTO_ADMIN_TOKEN to the same token here.`;

/** `octo messages list|wait` and `octo requests list|tail` (SPEC §12). */
export function registerTwin(program: Command, session: Session): void {
  const { out } = session;
  const messages = program.command('messages').description('the outbox of octo serve: list, wait');

  addListingOptions(messages.command('list')
    .description('the messages the verifier accepted, newest first, with their bodies as sent')
    .option('--to <e164>', 'only messages to this destination (a broadcast: one of its recipients)')
    .option('--channel <channel>', 'only messages on this channel (an id, or a type: sms, viber, telegram, whatsapp)')
    .option('--since <duration>', 'only the last DURATION, e.g. 5m')
    .option('--limit <n>', 'only the newest N', parseLimit)
    .option(SERVER_FLAG, SERVER_HELP))
    .addHelpText('after', `${TWIN_HELP}

Examples:
  $ octo messages list --to +15551234567
  $ octo messages list --channel sms --since 5m --json`)
    .action(act(session, async (opts: Record<string, unknown>) => {
      const found = await (await twinSource(session.ctx, opts.server as string | undefined, false)).listMessages(messageQuery(opts));
      if (out.quiet) return found.forEach((m) => out.line(m.id));
      if (out.json) return out.document({ messages: found });
      if (found.length === 0) return out.info('No messages match.');
      await printTable(out, MESSAGE_COLUMNS, messageRows(found));
    }));

  messages.command('wait')
    .description('wait until the verifier accepts a matching message (exit 0), or time out (exit 1)')
    .option('--to <e164>', 'a message to this destination (a broadcast: one of its recipients)')
    .option('--channel <channel>', 'on this channel (an id, or a type: sms, viber, telegram, whatsapp)')
    .option('--body-contains <text>', 'whose body holds this text (in any string field)')
    .option('--since <duration>', 'accepted within the last DURATION (default: any message still in the outbox)')
    .option('--timeout <duration>', 'how long to wait', '10s')
    .option(SERVER_FLAG, SERVER_HELP)
    .addHelpText('after', `${TWIN_HELP}

A message already in the outbox counts: a test step may start waiting after the application sent it.
With --server it returns as soon as the verifier has accepted the message (a long poll); from the
keystore, within a few tenths of a second (serve writes every 200 ms, wait looks every 100). Prints the
message ({"message": {...}} with --json). On a timeout, exit 1, and the error names the last
request the verifier refused, which is usually why.

Examples:
  $ octo messages wait --to +15551234567 --body-contains "Your code" --timeout 30s
  $ octo messages wait --channel sms1 --json | jq -r .message.body.body`)
    .action(act(session, async (opts: Record<string, unknown>) => {
      const timeoutS = parseDuration(opts.timeout as string, '--timeout');
      const source = await twinSource(session.ctx, opts.server as string | undefined, true);
      const query = { ...messageQuery(opts), body_contains: opts.bodyContains as string | undefined };
      const found = await source.waitForMessage(query, timeoutS * 1000);
      if (!found) throw await timedOut(source, opts, timeoutS);
      if (out.json) return out.document({ message: found });
      out.line(messageLine(found, out.c));
    }));

  const requests = program.command('requests').description('the request journal of octo serve: list, tail');

  addListingOptions(requests.command('list')
    .description('the requests the verifier answered, newest first: status, code, reason, key id (never a key, never a body)')
    .option('--status <status>', 'only this status (401) or class (4xx)', parseStatus)
    .option('--reason <reason>', 'only this reason, e.g. insufficient_scope')
    .option('--since <duration>', 'only the last DURATION, e.g. 5m')
    .option('--limit <n>', 'only the newest N', parseLimit)
    .option(SERVER_FLAG, SERVER_HELP), { quiet: false })
    .addHelpText('after', `${TWIN_HELP}

Examples:
  $ octo requests list --status 4xx
  $ octo requests list --reason wrong_key_type --json`)
    .action(act(session, async (opts: Record<string, unknown>) => {
      const { requests: found } = await (await twinSource(session.ctx, opts.server as string | undefined, false)).listRequests(requestQuery(opts));
      if (out.json) return out.document({ requests: found });
      if (found.length === 0) return out.info('No requests match.');
      await printTable(out, JOURNAL_COLUMNS, journalRows(found));
    }));

  requests.command('tail')
    .description('follow the requests the verifier answers, one line each, until Ctrl-C')
    .option('--status <status>', 'only this status (401) or class (4xx)', parseStatus)
    .option('--reason <reason>', 'only this reason, e.g. insufficient_scope')
    .option('--limit <n>', 'first print the newest N already journaled', parseLimit)
    .option(SERVER_FLAG, SERVER_HELP)
    .addHelpText('after', `${TWIN_HELP}

One JSON object per line with --json. Ctrl-C (or SIGTERM) ends it with exit 0. From the keystore,
tail looks for new entries every 100 ms and follows across restarts of serve; with --server, it
ends with exit 1 when that verifier stops.

Examples:
  $ octo requests tail
  $ octo requests tail --status 4xx --json`)
    .action(act(session, async (opts: Record<string, unknown>) => {
      const source = await twinSource(session.ctx, opts.server as string | undefined, true);
      const stop = new AbortController();
      const end = () => stop.abort();
      process.once('SIGINT', end);
      process.once('SIGTERM', end);
      try {
        await source.tailRequests(requestQuery(opts), (opts.limit as number | undefined) ?? 0,
          (entry) => (out.json ? out.jsonLine(entry) : out.line(formatJournalLine(entry, out.c))), stop.signal);
      } finally {
        process.off('SIGINT', end);
        process.off('SIGTERM', end);
      }
    }));
}

function messageQuery(opts: Record<string, unknown>): TwinQuery {
  if (opts.since !== undefined) parseDuration(opts.since as string, '--since');
  return { to: opts.to as string | undefined, channel: opts.channel as string | undefined, since: opts.since as string | undefined, limit: opts.limit as number | undefined };
}

function requestQuery(opts: Record<string, unknown>): TwinQuery {
  if (opts.since !== undefined) parseDuration(opts.since as string, '--since');
  return { status: opts.status as string | undefined, reason: opts.reason as string | undefined, since: opts.since as string | undefined, limit: opts.limit as number | undefined };
}

function parseStatus(value: string): string {
  if (!isStatusPattern(value)) throw new UsageError(`invalid --status "${value}"`, 'pass a status (401) or a class (4xx)');
  return value.toLowerCase();
}

/** The timeout, and the verifier's last refusal: most often the reason nothing arrived. */
async function timedOut(source: TwinSource, opts: Record<string, unknown>, timeoutS: number): Promise<OctoError> {
  const what = [opts.to && `to ${opts.to as string}`, opts.channel && `on ${opts.channel as string}`, opts.bodyContains && `containing "${opts.bodyContains as string}"`]
    .filter(Boolean).join(' ');
  const message = `no message${what ? ' ' + what : ''} was accepted within ${formatDuration(timeoutS)}`;
  let hint = source.idleHint;
  try {
    const [refused] = (await source.listRequests({ status: '4xx', limit: 1 })).requests;
    if (refused) {
      const why = refused.expected ? ` (expected: ${refused.expected})` : refused.required_scope ? ` (required scope: ${refused.required_scope})` : '';
      hint = `the last refused request: ${refused.method} ${refused.path} → ${refused.status} ${refused.reason}${why}; see \`octo requests list --status 4xx\``;
    }
  } catch { /* the timeout is the error; the hint stays general */ }
  return new OctoError('timeout', message, { hint });
}
