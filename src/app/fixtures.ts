import { planFixtures, planSummary, type KeystoreState, type Plan, type PlanItem } from '../core/fixture-plan.js';
import { parseFixtures, type Fixtures } from '../core/fixtures.js';
import { hashKey } from '../core/key-format.js';
import { formatDuration } from '../core/duration.js';
import { join } from 'node:path';
import { recordChange } from './audit.js';
import { applyRestore, discardRestore, planRestore } from './backup.js';
import type { KeyRecord } from '../core/model.js';
import type { AppContext } from './context.js';
import { createKey } from './keys.js';
import { addChannel, addWaba, addWorkspace, renameSubject } from './subjects.js';
import { addWebhook } from './webhooks.js';

/**
 * `octo apply`, `octo export` and `serve --fixtures`: the keystore side of core/fixtures.ts and
 * core/fixture-plan.ts. Applying runs the plan's steps through the same use cases the commands
 * use (same rules, same audit entries) inside one transaction: all of the file, or none of it.

 */
export interface ApplyResult {
  applied: ReturnType<typeof planSummary>;
  /** Keys whose secret apply generated, by their name in the file: shown this once. */
  secrets: Record<string, string>;
  /** The signing secrets of webhooks apply created, by their name in the file. */
  webhook_secrets: Record<string, string>;
}

export function readFixtures(text: string, file: string): Fixtures {
  return parseFixtures(text, file);
}

/**
 * What the plan reads of the keystore, read ahead (the plan is pure and synchronous): the subjects
 * and webhooks, and of the keys only those the file can mean (by name, by subject, by secret).
 */
export async function readState(ctx: AppContext, fixtures: Fixtures): Promise<KeystoreState> {
  const store = await ctx.keystore();
  const named = new Map<string, KeyRecord[]>();
  const active = new Map<string, KeyRecord | undefined>();
  const bySecret = new Map<string, string | undefined>();
  for (const k of fixtures.keys) {
    if (!named.has(k.name)) {
      const ids = await store.keys.idsNamed(k.name, 100);
      const records = (await Promise.all(ids.map((id) => store.keys.findById(id)))).filter((r): r is KeyRecord => r !== undefined);
      named.set(k.name, records.sort((a, b) => b.createdAt - a.createdAt));
    }
    if (k.subject) active.set(`${k.subject.type}:${k.subject.id}`, await store.keys.activeFor(k.subject.type, k.subject.id));
    if (k.secret) bySecret.set(k.secret, (await store.keys.findByHash(hashKey(k.secret)))?.id);
  }
  return {
    workspaces: await store.subjects.listWorkspaces(),
    wabas: await store.subjects.listWabas(),
    channels: await store.subjects.listChannels(),
    keysNamed: (name) => named.get(name) ?? [],
    activeKeyFor: (type, id) => active.get(`${type}:${id}`),
    keyWithSecret: (secret) => bySecret.get(secret),
    secretMatches: (key, secret) => bySecret.get(secret) === key.id,
    webhooks: (await store.webhooks.list()).filter((w) => w.removedAt === null),
  };
}

/** The plan against the keystore; against an empty one, opening nothing, where there is no keystore yet (a dry run). */
export async function planApply(ctx: AppContext, fixtures: Fixtures, opts: { createNothing?: boolean } = {}): Promise<Plan> {
  if (opts.createNothing && !(await ctx.holdsKeystore())) return planFixtures(fixtures, EMPTY_STATE);
  return planFixtures(fixtures, await readState(ctx, fixtures));
}

const EMPTY_STATE: KeystoreState = {
  workspaces: [], wabas: [], channels: [], keysNamed: () => [], activeKeyFor: () => undefined,
  keyWithSecret: () => undefined, secretMatches: () => false, webhooks: [],
};

/** Applies the plan in one transaction; a step that fails rolls every step back. */
export async function applyFixtures(ctx: AppContext, fixtures: Fixtures): Promise<ApplyResult> {
  const secrets: Record<string, string> = {};
  const webhookSecrets: Record<string, string> = {};
  const done: (PlanItem & { id: string })[] = [];
  // A bad file creates no keystore (nor master key) where there was none.
  await planApply(ctx, fixtures, { createNothing: true });
  // Before the transaction: the master key file may be created on first use.
  await ctx.masterKey();
  const store = await ctx.keystore();
  await store.transaction(async () => {
    // Planned inside it, so that what the plan read stays true until it commits.
    const plan = await planApply(ctx, fixtures);
    for (const [i, step] of plan.steps.entries()) {
      const item = plan.items[i]!;
      let id: string;
      switch (step.type) {
        case 'workspace':
        case 'waba':
        case 'channel': {
          const f = step.fixture;
          id = f.id;
          if (step.action === 'create') {
            if (step.type === 'workspace') await addWorkspace(ctx, { id: f.id, name: f.name, platform: step.fixture.platform });
            else if (step.type === 'waba') await addWaba(ctx, { id: f.id, name: f.name, workspace: step.fixture.workspace });
            else await addChannel(ctx, { id: f.id, name: f.name, workspace: step.fixture.workspace, type: step.fixture.type, ...(step.fixture.waba ? { waba: step.fixture.waba } : {}) });
          } else if (step.rename) {
            await renameSubject(ctx, step.type, f.id, f.name);
          }
          break;
        }
        case 'key': {
          const k = step.fixture;
          if (step.existing) {
            id = step.existing.id;
            if (step.action === 'update') {
              await store.keys.setScopes(id, k.scopes);
              await recordChange(ctx, 'key.scope', { keyId: id }, { before: step.existing.scopes, after: k.scopes });
            }
            break;
          }
          const common = { ...(k.secret ? { secret: k.secret } : {}), ...(k.rateLimit ? { rateLimit: k.rateLimit } : {}) };
          const issued = k.kind === 'bearer'
            ? await createKey(ctx, {
              kind: 'bearer', name: k.name, scopes: k.scopes ?? [], test: k.env === 'test',
              ...(k.expiresInSeconds !== null ? { expiresInSeconds: k.expiresInSeconds } : {}), ...common,
            })
            : await createKey(ctx, k.kind === 'workspace'
              ? { kind: 'workspace', workspace: k.subject!.id, name: k.name, ...common }
              : k.kind === 'channel' ? { kind: 'channel', channel: k.subject!.id, name: k.name, ...common }
                : { kind: 'waba', waba: k.subject!.id, name: k.name, ...common });
          id = issued.key.id;
          if (!k.secret) secrets[k.name] = issued.secret;
          break;
        }
        case 'webhook': {
          if (step.existingId) {
            id = step.existingId;
            break;
          }
          const w = step.fixture;
          const added = await addWebhook(ctx, { url: w.url, events: w.events.join(','), ...(w.workspace ? { workspace: w.workspace } : {}) });
          id = added.webhook.id;
          webhookSecrets[w.name] = added.secret;
          break;
        }
      }
      done.push({ ...item, id });
    }
  });
  return { applied: planSummary(done), secrets, webhook_secrets: webhookSecrets };
}

/**
 * The keystore as a fixtures file `octo apply` accepts: subjects, keys not revoked (named after
 * their name, else their id; no secrets: apply generates new ones) and webhooks (no secrets).
 */
export async function exportFixtures(ctx: AppContext): Promise<Record<string, unknown[]>> {
  const store = await ctx.keystore();
  const now = ctx.now();
  const keys: Record<string, unknown>[] = [];
  const names = new Set<string>();
  for await (const k of store.keys.iterate({})) {
    if (k.state !== 'active' || (k.expiresAt !== null && k.expiresAt <= now)) continue;
    // A name two active keys share would be a duplicate in the file: the second goes by its id.
    const name = k.name !== null && !names.has(k.name) ? k.name : k.id;
    names.add(name);
    const entry: Record<string, unknown> = { name, kind: k.kind };
    if (k.subject) entry[k.subject.type] = k.subject.id;
    if (k.kind === 'bearer') {
      entry.env = k.env;
      if (k.scopes) entry.scopes = k.scopes;
    }
    if (k.rateLimit) entry.rate_limit = `${k.rateLimit.limit}/${formatDuration(k.rateLimit.window_s)}`;
    if (k.expiresAt !== null) entry.expires_in = formatDuration(Math.max(1, Math.ceil((k.expiresAt - now) / 1000)));
    keys.push(entry);
  }
  return {
    workspaces: (await store.subjects.listWorkspaces()).map((w) => ({ id: w.id, name: w.name, platform: w.platform })),
    wabas: (await store.subjects.listWabas()).map((w) => ({ id: w.id, name: w.name, workspace: w.workspaceId })),
    channels: (await store.subjects.listChannels()).map((c) => ({ id: c.id, name: c.name, workspace: c.workspaceId, type: c.type, ...(c.wabaId ? { waba: c.wabaId } : {}) })),
    keys,
    webhooks: (await store.webhooks.list()).filter((w) => w.removedAt === null)
      .map((w) => ({ name: w.id, url: w.url, ...(w.workspaceId ? { workspace: w.workspaceId } : {}), events: w.events })),
  };
}

/**
 * `serve --fixtures` / `--ephemeral`: applies the fixtures (if any), then keeps a backup of the
 * keystore as it is then, in `dir`; `reset()` (POST /_octo/reset) restores it through the restore
 * use case: one transaction, so that requests arriving meanwhile see the keystore before or after,
 * never between. Resets run one at a time.
 */
export async function prepareFixtures(ctx: AppContext, fixtures: Fixtures | null, dir: string): Promise<{ result: ApplyResult | null; reset: () => Promise<void> }> {
  const result = fixtures ? await applyFixtures(ctx, fixtures) : null;
  const snapshot = join(dir, 'fixtures-keystore.db');
  await (await ctx.keystore()).backupTo(snapshot, true);
  let last: Promise<void> = Promise.resolve();
  const restoreOnce = async () => {
    const plan = await planRestore(ctx, snapshot);
    try {
      await applyRestore(ctx, plan);
    } catch (err) {
      await discardRestore(plan);
      throw err;
    }
  };
  return { result, reset: () => (last = last.then(restoreOnce, restoreOnce)) };
}
