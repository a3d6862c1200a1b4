import { UsageError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { generateKey, prefixFor } from '../core/key-format.js';
import { toIso } from '../core/model.js';
import { open, seal } from '../core/secret-box.js';
import { presentSecret } from '../core/standard-secret.js';
import { parseEventList } from '../core/webhook-events.js';
import { DEFAULT_SCHEME, type WebhookScheme, type WebhookView } from '../core/webhook-model.js';
import type { WebhookRecord } from '../store/records.js';
import { recordChange, type RevealedTo } from './audit.js';
import type { AppContext } from './context.js';
import { pickUniqueId, resolveSubjectId } from './resolve.js';

/* Endpoints and their signing secrets: add, list, remove, reveal, rotate. */

export async function webhookView(ctx: AppContext, w: WebhookRecord): Promise<WebhookView> {
  const secrets = await (await ctx.keystore()).webhooks.validSecrets(w.id, ctx.now());
  return {
    id: w.id,
    url: w.url,
    events: w.events,
    workspace: w.workspaceId,
    scheme: w.scheme,
    created_at: toIso(w.createdAt)!,
    masked: secrets[0]?.masked ?? '',
    previous_secret_until: toIso(secrets[1]?.expiresAt ?? null),
  };
}

function checkUrl(text: string): string {
  const url = text.trim();
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new UsageError(`invalid webhook URL "${text}"`, 'give an http:// or https:// URL, e.g. http://127.0.0.1:3000/webhooks', 'invalid_url');
  }
  return url;
}

/** The URL for the audit log: credentials in it are not written there. */
function auditUrl(url: string): string {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

/** A secret row's id for the sealing AAD: a sealed secret copied onto another row does not open. */
export const secretRowId = (webhookId: string, generation: number) => `${webhookId}#${generation}`;

/**
 * A new `octo_wh_` secret, sealed: that is what is stored and what `keys scan` matches, whatever
 * the scheme. It is returned, and masked, in the form the endpoint's scheme presents it.
 */
async function newSecret(ctx: AppContext, webhook: Pick<WebhookRecord, 'id' | 'scheme'>, generation: number) {
  const plain = generateKey(prefixFor('webhook_secret'));
  const { secret, masked } = presentSecret(webhook.scheme, plain);
  const row = { generation, sealed: seal(await ctx.masterKey(), plain, secretRowId(webhook.id, generation)), masked, createdAt: ctx.now() };
  return { secret, row };
}

export async function addWebhook(
  ctx: AppContext, input: { url: string; events?: string; workspace?: string; scheme?: WebhookScheme },
): Promise<{ webhook: WebhookRecord; secret: string }> {
  const url = checkUrl(input.url);
  const events = parseEventList(input.events);
  const workspaceId = input.workspace === undefined ? null : await resolveSubjectId(ctx, 'workspace', input.workspace);
  const scheme = input.scheme ?? DEFAULT_SCHEME;
  const webhook: WebhookRecord = { id: newId('wh'), url, events, workspaceId, scheme, createdAt: ctx.now(), removedAt: null };
  const { secret, row } = await newSecret(ctx, webhook, 1);
  const store = await ctx.keystore();
  await store.transaction(async () => {
    await store.webhooks.insert(webhook);
    await store.webhooks.insertSecret(webhook.id, row);
    await recordChange(ctx, 'webhook.add', { subjectType: 'webhook', subjectId: webhook.id }, { url: auditUrl(url), events, workspace: workspaceId, scheme });
  });
  return { webhook, secret };
}

export async function listWebhooks(ctx: AppContext): Promise<WebhookView[]> {
  const views: WebhookView[] = [];
  for (const w of await (await ctx.keystore()).webhooks.list()) views.push(await webhookView(ctx, w));
  return views;
}

/** An endpoint id or a unique prefix of one; removed endpoints only where `includeRemoved`. */
export async function getWebhook(ctx: AppContext, ref: string, opts: { includeRemoved?: boolean } = {}): Promise<WebhookRecord> {
  const store = await ctx.keystore();
  const id = pickUniqueId(ref, await store.webhooks.idsWithPrefix(ref, opts), { noun: 'webhook', list: 'octo webhooks list' });
  return (await store.webhooks.find(id, opts))!;
}

export async function removeWebhook(ctx: AppContext, ref: string): Promise<{ webhook: WebhookRecord; cancelled: number }> {
  const webhook = await getWebhook(ctx, ref);
  const store = await ctx.keystore();
  const cancelled = await store.transaction(async () => {
    const n = await store.webhooks.remove(webhook.id, ctx.now());
    await recordChange(ctx, 'webhook.remove', { subjectType: 'webhook', subjectId: webhook.id }, { url: auditUrl(webhook.url), cancelled_deliveries: n });
    return n;
  });
  return { webhook: (await store.webhooks.find(webhook.id, { includeRemoved: true }))!, cancelled };
}

/** The `octo_wh_` plaintexts that sign at `now`, the current one first (each scheme keys its HMAC with their bytes). */
export async function signingSecrets(ctx: AppContext, webhookId: string): Promise<string[]> {
  const rows = await (await ctx.keystore()).webhooks.validSecrets(webhookId, ctx.now());
  if (rows.length === 0) return [];
  const master = await ctx.masterKey();
  return rows.map((r) => open(master, r.sealed, secretRowId(webhookId, r.generation)));
}

/** The current signing secret, audited as `webhook.reveal_secret` before it is handed out (as revealKey). */
export async function revealSecret(ctx: AppContext, ref: string, to: RevealedTo): Promise<{ webhook: WebhookRecord; secret: string }> {
  const webhook = await getWebhook(ctx, ref);
  const secret = presentSecret(webhook.scheme, (await signingSecrets(ctx, webhook.id))[0]!).secret;
  await recordChange(ctx, 'webhook.reveal_secret', { subjectType: 'webhook', subjectId: webhook.id }, { to });
  return { webhook, secret };
}

/**
 * A new current secret; the old one keeps signing (both `v1=` are sent) for `graceSeconds`, so a
 * receiver can switch without refusing a delivery. 0 ends the old secret at once.
 */
export async function rotateSecret(ctx: AppContext, ref: string, graceSeconds: number): Promise<{ webhook: WebhookRecord; secret: string; previousUntil: number | null }> {
  const webhook = await getWebhook(ctx, ref);
  const now = ctx.now();
  const graceUntil = now + graceSeconds * 1000;
  await ctx.masterKey(); // loaded before the transaction: it may create the master key file
  const store = await ctx.keystore();
  const secret = await store.transaction(async () => {
    // The generation is read inside the transaction, so two racing rotations cannot both take it.
    const generation = (await store.webhooks.latestGeneration(webhook.id)) + 1;
    const fresh = await newSecret(ctx, webhook, generation);
    await store.webhooks.retireSecrets(webhook.id, now, graceUntil);
    await store.webhooks.insertSecret(webhook.id, fresh.row);
    await recordChange(ctx, 'webhook.rotate_secret', { subjectType: 'webhook', subjectId: webhook.id }, {
      generation, previous_valid_until: graceSeconds > 0 ? toIso(graceUntil) : null,
    });
    return fresh.secret;
  });
  return { webhook, secret, previousUntil: graceSeconds > 0 ? graceUntil : null };
}
