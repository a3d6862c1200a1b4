import { listAudit, type AuditView } from '../app/audit.js';
import type { AppContext } from '../app/context.js';
import { createKey, listKeys, revealKey, revokeKey, rotateKey, scopeKey, getKey } from '../app/keys.js';
import { listChannels, listWabas, listWorkspaces, type ChannelView, type WabaView, type WorkspaceView } from '../app/subjects.js';
import { listDeliveries } from '../app/webhook-deliveries.js';
import { listWebhooks } from '../app/webhooks.js';
import { parseDuration, parseRateLimit } from '../core/duration.js';
import { keyView, type KeyView, type SubjectType } from '../core/model.js';
import type { DeliveryView, WebhookView } from '../core/webhook-model.js';

/*
 * Everything the dashboard asks of octo, in one place, and only through app/'s use cases: the same
 * functions, rules and audit entries as the CLI, so the two cannot disagree. Each is async and
 * awaits what app/ returns, whether a value (the keystore answers at once) or a promise.
 */

/**
 * The same context with the dashboard's actor, `ui:` and the CLI's (OCTO_ACTOR, else the OS user).
 * It inherits everything else, the open keystore included (serve opens it before the dashboard is
 * made), so the dashboard and the verifier share one connection.
 */
export function dashboardContext(ctx: AppContext): AppContext {
  const actor = `ui:${ctx.actor}`;
  return Object.create(ctx, { actor: { get: () => actor } }) as AppContext;
}

export interface NewKeyShown {
  key: KeyView;
  secret: string;
}

export async function workspaces(ctx: AppContext): Promise<WorkspaceView[]> {
  return await listWorkspaces(ctx);
}

export async function channels(ctx: AppContext): Promise<ChannelView[]> {
  return await listChannels(ctx);
}

export async function wabas(ctx: AppContext): Promise<WabaView[]> {
  return await listWabas(ctx);
}

export async function bearerKeys(ctx: AppContext): Promise<KeyView[]> {
  const keys: KeyView[] = [];
  for await (const k of listKeys(ctx, { kind: 'bearer', sort: { by: 'created', descending: true }, limit: 500 })) keys.push(k);
  return keys;
}

export async function key(ctx: AppContext, id: string): Promise<KeyView> {
  return keyView(await getKey(ctx, id), ctx.now());
}

export async function audit(ctx: AppContext): Promise<AuditView[]> {
  return await listAudit(ctx, { limit: 200 });
}

export async function deliveries(ctx: AppContext): Promise<{ webhook: WebhookView; deliveries: DeliveryView[] }[]> {
  const hooks = await listWebhooks(ctx);
  const out = [];
  for (const webhook of hooks) out.push({ webhook, deliveries: await listDeliveries(ctx, webhook.id, 50) });
  return out;
}

export async function createSubjectKey(ctx: AppContext, type: SubjectType, id: string): Promise<NewKeyShown> {
  const input = type === 'workspace' ? { kind: type, workspace: id } : type === 'channel' ? { kind: type, channel: id } : { kind: type, waba: id };
  const issued = await createKey(ctx, input);
  return { key: keyView(issued.key, ctx.now()), secret: issued.secret };
}

/** The create form's fields, as typed: parsed by core's own rules (the CLI's --expires-in, --rate-limit). */
export interface BearerForm {
  name: string;
  env: string;
  scopes: string[];
  expiresIn: string;
  rateLimit: string;
}

export async function createBearerKey(ctx: AppContext, form: BearerForm): Promise<NewKeyShown> {
  const expiresIn = form.expiresIn.trim();
  const rateLimit = form.rateLimit.trim();
  const issued = await createKey(ctx, {
    kind: 'bearer',
    name: form.name,
    scopes: form.scopes,
    test: form.env === 'test',
    ...(expiresIn ? { expiresInSeconds: parseDuration(expiresIn, 'expiry') } : {}),
    ...(rateLimit ? { rateLimit: parseRateLimit(rateLimit) } : {}),
  });
  return { key: keyView(issued.key, ctx.now()), secret: issued.secret };
}

export async function rotate(ctx: AppContext, id: string, grace: string): Promise<NewKeyShown & { replaced: KeyView }> {
  const graceSeconds = grace ? parseDuration(grace, 'grace') : 0;
  const rotated = await rotateKey(ctx, id, graceSeconds);
  const now = ctx.now();
  return { key: keyView(rotated.key, now), secret: rotated.secret, replaced: keyView(rotated.replaced, now) };
}

export async function revoke(ctx: AppContext, id: string, reason: string): Promise<KeyView> {
  return keyView(await revokeKey(ctx, id, reason.trim() || null), ctx.now());
}

/** The checked boxes, turned into what `keys scope` takes: added, removed, or full access. */
export async function setScopes(ctx: AppContext, id: string, wanted: string[], fullAccess: boolean): Promise<KeyView> {
  const current = (await getKey(ctx, id)).scopes ?? [];
  const add = wanted.filter((s) => !current.includes(s));
  const remove = current.filter((s) => !wanted.includes(s));
  return keyView(await scopeKey(ctx, id, fullAccess ? { fullAccess: true } : { add, remove }), ctx.now());
}

export async function reveal(ctx: AppContext, id: string): Promise<string> {
  return (await revealKey(ctx, id, 'dashboard')).secret;
}
