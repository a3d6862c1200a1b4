import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { listDeliveries, testWebhook } from '../app/webhook-deliveries.js';
import { verifyDelivery } from '../app/webhook-verify.js';
import {
  addWebhook, getWebhook, listWebhooks, removeWebhook, revealSecret, rotateSecret, webhookView,
} from '../app/webhooks.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { toIso } from '../core/model.js';
import { EVENT_TYPES, MESSAGE_EVENTS, parseEventType } from '../core/webhook-events.js';
import { DEFAULT_SCHEME, parseScheme, WEBHOOK_SCHEMES } from '../core/webhook-model.js';
import { DEFAULT_TOLERANCE_S } from '../core/webhook-signature.js';
import { copyToClipboard } from '../ui/clipboard.js';
import { printDeliveries, printTestResult, printVerdict, printWebhooks } from '../ui/render-webhooks.js';
import { formatTime } from '../ui/time.js';
import { addListingOptions, parseLimit } from './listing-options.js';
import { act, type Session } from './session.js';
import { readStdin } from './stdin.js';

type Opts = Record<string, unknown>;
const DEFAULT_GRACE = '24h';

export function registerWebhooks(program: Command, session: Session): void {
  const { out } = session;
  const webhooks = program.command('webhooks').description('signed callbacks: endpoints, secrets, test sends, verification, deliveries');

  webhooks.command('add <url>')
    .description('register an endpoint; prints its signing secret (octo_wh_…, or whsec_… for standard-webhooks)')
    .option('--events <list>', `comma list of ${MESSAGE_EVENTS.join(', ')} (default: all)`)
    .option('--workspace <ws>', 'only messages of this workspace (default: every workspace)')
    .option('--scheme <scheme>', `how deliveries are signed: ${WEBHOOK_SCHEMES.join(' (X-Octo-Signature) or ')} (webhook-signature)`, DEFAULT_SCHEME)
    .addHelpText('after', `
Examples:
  $ octo webhooks add http://127.0.0.1:3000/webhooks --events message.sent,message.delivered --workspace Acme
  $ octo webhooks add http://127.0.0.1:3000/webhooks --scheme standard-webhooks   # for Svix's or the standardwebhooks libraries`)
    .action(act(session, async (url: string, opts: Opts) => {
      const { webhook, secret } = await addWebhook(session.ctx, {
        url, events: opts.events as string | undefined, workspace: opts.workspace as string | undefined,
        scheme: parseScheme(String(opts.scheme)),
      });
      const view = await webhookView(session.ctx, webhook);
      if (out.json) return out.document({ webhook: view, secret });
      const signed = view.scheme === DEFAULT_SCHEME ? '' : `, signed ${view.scheme}`;
      out.info(out.e.green('✔ ') + `Added webhook ${out.e.bold(view.id)} → ${view.url} (${view.events.join(', ')}${signed})`);
      out.line(secret);
      out.info(`Verify deliveries with this secret; show it again with \`octo webhooks secret ${view.id} --print\`.`);
    }));

  addListingOptions(webhooks.command('list')
    .description('every endpoint (secrets masked)'))
    .action(act(session, async () => {
      const list = await listWebhooks(session.ctx);
      if (out.json) return out.document({ webhooks: list });
      if (out.quiet) return out.ids(list.map((w) => w.id));
      await printWebhooks(out, list);
    }));

  webhooks.command('remove <id>')
    .description('remove an endpoint; its pending deliveries are cancelled (asks to confirm on a terminal unless --yes)')
    .action(act(session, async (ref: string) => {
      const webhook = await getWebhook(session.ctx, ref);
      const ok = await session.prompt.confirm(`Remove ${webhook.id} (${webhook.url})? It receives nothing more.`, session.yes, `octo webhooks remove ${webhook.id}`);
      if (!ok) {
        out.info('Nothing removed.');
        session.exitCode = 1;
        return;
      }
      const removed = await removeWebhook(session.ctx, webhook.id);
      if (out.json) return out.document({ webhook: { id: removed.webhook.id, url: removed.webhook.url, removed_at: toIso(removed.webhook.removedAt) }, cancelled_deliveries: removed.cancelled });
      out.info(out.e.green('✔ ') + `Removed ${removed.webhook.id}` + (removed.cancelled ? `; ${removed.cancelled} pending deliveries cancelled.` : '.'));
    }));

  webhooks.command('secret <id>')
    .description("copy an endpoint's current signing secret to the clipboard")
    .option('--print', 'write it to stdout instead')
    .action(act(session, async (ref: string, opts: Opts) => {
      const { webhook, secret } = await revealSecret(session.ctx, ref, opts.print ? 'stdout' : 'clipboard');
      const view = await webhookView(session.ctx, webhook);
      if (opts.print) return out.json ? out.document({ webhook: view, secret }) : out.line(secret);
      await copyToClipboard(secret, `octo webhooks secret ${webhook.id} --print`);
      if (out.json) return out.document({ webhook: view, copied: true });
      out.info(out.e.green('✔ ') + `Copied ${view.masked} to the clipboard.`);
    }));

  webhooks.command('rotate-secret <id>')
    .description('a new signing secret; the old one also signs during the grace')
    .option('--grace <duration>', `keep signing with the old secret for DURATION, 0 for none (default: ${DEFAULT_GRACE})`, DEFAULT_GRACE)
    .action(act(session, async (ref: string, opts: Opts) => {
      const grace = opts.grace === '0' ? 0 : parseDuration(opts.grace as string, '--grace');
      const rotated = await rotateSecret(session.ctx, ref, grace);
      const view = await webhookView(session.ctx, rotated.webhook);
      if (out.json) return out.document({ webhook: view, secret: rotated.secret });
      out.info(out.e.green('✔ ') + `New signing secret for ${view.id}:`);
      out.line(rotated.secret);
      out.info(rotated.previousUntil
        ? `Deliveries carry both signatures for ${formatDuration(grace)} (until ${formatTime(rotated.previousUntil)}); switch your receiver before then.`
        : 'The old secret no longer signs; switch your receiver now.');
    }));

  webhooks.command('test <id>')
    .description("send one signed event now and print the receiver's status and time (exit 1 unless 2xx)")
    .option('--event <type>', `${EVENT_TYPES.join(', ')} (default: webhook.test)`)
    .option('--timeout <duration>', 'give up waiting for the receiver after DURATION', '10s')
    .action(act(session, async (ref: string, opts: Opts) => {
      const type = parseEventType(opts.event as string | undefined);
      const timeoutS = parseDuration(opts.timeout as string, '--timeout');
      const result = await testWebhook(session.ctx, ref, type, timeoutS * 1000);
      if (!result.ok) session.exitCode = 1;
      if (out.json) return out.document(result);
      printTestResult(out, result, timeoutS, ref);
    }));

  webhooks.command('verify')
    .description("check a delivery's signature against its raw body: valid, or why not (exit 0 / 1)")
    .option('--secret-stdin', 'read the signing secret from standard input (octo_wh_… or whsec_…)')
    .option('--endpoint <id>', "use the endpoint's stored secrets (both during a rotation grace)")
    .option('--scheme <scheme>', `${WEBHOOK_SCHEMES.join(' or ')} (default: the endpoint's; with --secret-stdin, standard-webhooks when --id or --timestamp is given)`)
    .requiredOption('--signature <header>', 'the X-Octo-Signature value ("t=1700000000,v1=5f…"), or the webhook-signature value ("v1,K5oZ…=")')
    .option('--id <webhook-id>', 'standard-webhooks: the webhook-id header')
    .option('--timestamp <seconds>', 'standard-webhooks: the webhook-timestamp header')
    .requiredOption('--body <file>', 'the raw body, byte for byte as received (- for stdin, with --endpoint)')
    .option('--tolerance <seconds>', 'accepted clock skew either side of now, 0 to skip the check', String(DEFAULT_TOLERANCE_S))
    .addHelpText('after', `
Examples:
  $ octo webhooks verify --endpoint wh_3kQ --signature "$SIG" --body body.json
  $ printf %s "$SECRET" | octo webhooks verify --secret-stdin --signature "$SIG" --body body.json
  $ octo webhooks verify --endpoint wh_7Hd --id "$WEBHOOK_ID" --timestamp "$WEBHOOK_TIMESTAMP" --signature "$WEBHOOK_SIGNATURE" --body body.json

Exit codes: 0 valid, 1 invalid (malformed_header, bad_signature, timestamp_out_of_tolerance), 2 usage.`)
    .action(act(session, async (opts: Opts) => {
      const endpoint = opts.endpoint as string | undefined;
      if ((opts.secretStdin === true) === (endpoint !== undefined)) {
        throw new UsageError('verify needs exactly one source of secrets', 'pass --secret-stdin (the secret on standard input) or --endpoint ID');
      }
      const tolerance = String(opts.tolerance);
      if (!/^[0-9]{1,9}$/.test(tolerance)) throw new UsageError(`invalid --tolerance "${tolerance}"`, 'pass whole seconds, e.g. --tolerance 300');
      const scheme = opts.scheme === undefined ? undefined : parseScheme(String(opts.scheme));
      const bodyPath = opts.body as string;
      if (bodyPath === '-' && endpoint === undefined) throw new UsageError('standard input already carries the secret', 'pass the body as a file: --body FILE');
      const rawBody = bodyPath === '-' ? await readStdin() : readBody(bodyPath);
      const secret = endpoint === undefined ? (await readStdin()).toString('utf8').trim() : undefined;
      if (secret === '') throw new UsageError('no secret on standard input', 'pipe it in: `octo webhooks secret ID --print | octo webhooks verify --secret-stdin …`');
      const verdict = await verifyDelivery(session.ctx, {
        signature: opts.signature as string, rawBody, toleranceS: Number(tolerance),
        ...(scheme ? { scheme } : {}),
        ...(opts.id !== undefined ? { id: String(opts.id) } : {}),
        ...(opts.timestamp !== undefined ? { timestamp: String(opts.timestamp) } : {}),
        ...(secret !== undefined ? { secret } : { webhook: endpoint! }),
      });
      if (!verdict.valid) session.exitCode = 1;
      if (out.json) return out.document(verdict);
      printVerdict(out, verdict, Number(tolerance));
    }));

  addListingOptions(webhooks.command('deliveries <id>')
    .description("an endpoint's deliveries, newest first, with every attempt's status code and time")
    .option('--limit <n>', 'at most N deliveries (default: 50)', parseLimit))
    .action(act(session, async (ref: string, opts: Opts) => {
      const deliveries = await listDeliveries(session.ctx, ref, (opts.limit as number | undefined) ?? 50);
      if (out.json) return out.document({ deliveries });
      if (out.quiet) return out.ids(deliveries.map((d) => d.id));
      await printDeliveries(out, deliveries, ref);
    }));
}

function readBody(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    throw new UsageError(`cannot read the body file ${path}`, 'pass the raw body, saved byte for byte, with --body FILE');
  }
}
