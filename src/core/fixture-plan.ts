import { FixturesInvalid, type ChannelFixture, type FixtureProblem, type Fixtures, type KeyFixture, type WabaFixture, type WebhookFixture, type WorkspaceFixture } from './fixtures.js';
import type { Channel, KeyRecord, SubjectType, Waba, Workspace } from './model.js';

/**
 * What `octo apply` would do (SPEC §12): each object of the file is created, updated or unchanged,
 * decided against the keystore as it is now, given as plain values. Pure: the execution
 * (app/fixtures.ts) carries the steps out through the use cases. `apply` never deletes: what the
 * keystore holds beyond the file stays. What apply cannot change in place (a key's kind, subject,
 * environment, rate limit or secret; a subject's platform, type or parent) is a problem naming the
 * line, with the command that would do it.
 */
export interface KeystoreState {
  workspaces: readonly Workspace[];
  wabas: readonly Waba[];
  channels: readonly Channel[];
  /** Keys not revoked, by name (the newest first). */
  keysNamed: (name: string) => readonly KeyRecord[];
  /** The active key of a workspace, channel or WABA. */
  activeKeyFor: (type: SubjectType, id: string) => KeyRecord | undefined;
  /** The id of the key with this secret, if the keystore holds it. */
  keyWithSecret: (secret: string) => string | undefined;
  /** Hash of a secret: the plan compares a fixed secret with a key's own. */
  secretMatches: (key: KeyRecord, secret: string) => boolean;
  webhooks: readonly { id: string; url: string; workspaceId: string | null; events: readonly string[] }[];
}

export type PlanAction = 'create' | 'update' | 'unchanged';
export type ObjectType = 'workspace' | 'waba' | 'channel' | 'key' | 'webhook';

export type Step =
  | { type: 'workspace'; action: PlanAction; fixture: WorkspaceFixture; rename: boolean }
  | { type: 'waba'; action: PlanAction; fixture: WabaFixture; rename: boolean }
  | { type: 'channel'; action: PlanAction; fixture: ChannelFixture; rename: boolean }
  | { type: 'key'; action: PlanAction; fixture: KeyFixture; existing: KeyRecord | null }
  | { type: 'webhook'; action: PlanAction; fixture: WebhookFixture; existingId: string | null };

export interface PlanItem {
  type: ObjectType;
  /** A subject's id, a key's or webhook's name in the file. */
  name: string;
  action: PlanAction;
  /** What an update changes, e.g. `name`, `scopes`. */
  changes: string[];
}

export interface Plan {
  steps: Step[];
  items: PlanItem[];
}

const sameList = (a: readonly string[] | null, b: readonly string[] | null) =>
  a === null || b === null ? a === b : a.length === b.length && [...a].sort().join() === [...b].sort().join();

export function planFixtures(f: Fixtures, state: KeystoreState): Plan {
  const problems: FixtureProblem[] = [...f.problems];
  const steps: Step[] = [];
  const items: PlanItem[] = [];
  const add = (step: Step, name: string, changes: string[]) => {
    steps.push(step);
    items.push({ type: step.type, name, action: step.action, changes });
  };
  const problem = (line: number, field: string, message: string) => problems.push({ line, field, message });
  const fileIds = (list: readonly { id: string }[]) => new Set(list.map((x) => x.id));
  const wsIds = new Set([...fileIds(f.workspaces), ...state.workspaces.map((w) => w.id)]);
  const wabaWorkspace = new Map<string, string>([...state.wabas.map((w) => [w.id, w.workspaceId] as const), ...f.wabas.map((w) => [w.id, w.workspace] as const)]);
  const channelOf = new Map<string, { type: string }>([...state.channels.map((c) => [c.id, c] as const), ...f.channels.map((c) => [c.id, c] as const)]);

  f.workspaces.forEach((w) => {
    const found = state.workspaces.find((x) => x.id === w.id);
    if (found && found.platform !== w.platform) problem(w.line, `${w.at}.platform`, `the workspace "${w.id}" exists with platform ${found.platform}; apply cannot change a platform`);
    const rename = !!found && found.name !== w.name;
    add({ type: 'workspace', action: !found ? 'create' : rename ? 'update' : 'unchanged', fixture: w, rename }, w.id, rename ? ['name'] : []);
  });
  f.wabas.forEach((w) => {
    if (!wsIds.has(w.workspace)) problem(w.line, `${w.at}.workspace`, `no workspace "${w.workspace}" in the file or the keystore`);
    const found = state.wabas.find((x) => x.id === w.id);
    if (found && found.workspaceId !== w.workspace) problem(w.line, `${w.at}.workspace`, `the WABA "${w.id}" exists in the workspace "${found.workspaceId}"; apply cannot move it`);
    const rename = !!found && found.name !== w.name;
    add({ type: 'waba', action: !found ? 'create' : rename ? 'update' : 'unchanged', fixture: w, rename }, w.id, rename ? ['name'] : []);
  });
  f.channels.forEach((c) => {
    const at = c.at;
    if (!wsIds.has(c.workspace)) problem(c.line, `${at}.workspace`, `no workspace "${c.workspace}" in the file or the keystore`);
    if (c.waba !== null) {
      const wabaWs = wabaWorkspace.get(c.waba);
      if (wabaWs === undefined) problem(c.line, `${at}.waba`, `no WABA "${c.waba}" in the file or the keystore`);
      else if (wabaWs !== c.workspace) problem(c.line, `${at}.waba`, `the WABA "${c.waba}" is in the workspace "${wabaWs}", not "${c.workspace}"`);
    }
    const found = state.channels.find((x) => x.id === c.id);
    if (found && (found.type !== c.type || found.workspaceId !== c.workspace || found.wabaId !== c.waba)) {
      problem(c.line, at, `the channel "${c.id}" exists as a ${found.type} channel of "${found.workspaceId}"${found.wabaId ? ` (WABA ${found.wabaId})` : ''}; apply cannot change its type, workspace or WABA`);
    }
    const rename = !!found && found.name !== c.name;
    add({ type: 'channel', action: !found ? 'create' : rename ? 'update' : 'unchanged', fixture: c, rename }, c.id, rename ? ['name'] : []);
  });

  f.keys.forEach((k) => {
    const at = k.at;
    const line = (field: string) => k.lines[field] ?? k.line;
    if (k.subject) {
      const { type, id } = k.subject;
      const exists = type === 'workspace' ? wsIds.has(id) : type === 'waba' ? wabaWorkspace.has(id) : channelOf.has(id);
      if (!exists) problem(line(type), `${at}.${type}`, `no ${type === 'waba' ? 'WABA' : type} "${id}" in the file or the keystore`);
      else if (type === 'channel' && channelOf.get(id)!.type === 'whatsapp') {
        problem(line(type), `${at}.${type}`, `"${id}" is a WhatsApp number: it takes its WABA's key (kind: waba)`);
      }
    }
    // An unnamed key `octo export` wrote under its id is adopted by it.
    const byId = k.subject ? state.activeKeyFor(k.subject.type, k.subject.id) : undefined;
    const existing = state.keysNamed(k.name).find((x) => x.state !== 'revoked') ?? (byId?.id === k.name ? byId : null);
    if (!existing) {
      if (k.subject) {
        const active = state.activeKeyFor(k.subject.type, k.subject.id);
        if (active) problem(k.line, `${at}.name`, `the ${k.subject.type} "${k.subject.id}" already has an active key (${active.id}${active.name ? `, named "${active.name}"` : ''}): name the fixture "${active.name ?? '…'}" to adopt it, or revoke it with \`octo keys revoke ${active.id}\``);
      }
      if (k.secret) {
        const holder = state.keyWithSecret(k.secret);
        if (holder) problem(line('secret'), `${at}.secret`, `the keystore already holds this secret, as ${holder}`);
      }
      add({ type: 'key', action: 'create', fixture: k, existing: null }, k.name, []);
      return;
    }
    const cannot = (field: string, what: string) => problem(line(field), `${at}.${field}`,
      `the key "${k.name}" (${existing.id}) exists with ${what}; apply changes only scopes: revoke it (\`octo keys revoke ${existing.id}\`) or give the fixture another name`);
    if (existing.kind !== k.kind) cannot('kind', `kind ${existing.kind}`);
    else if (k.subject && existing.subject?.id !== k.subject.id) cannot(k.subject.type, `the subject "${existing.subject?.id}"`);
    else if (k.env !== null && existing.env !== k.env) cannot('env', `env ${existing.env}`);
    if (!sameRate(existing.rateLimit, k.rateLimit)) cannot('rate_limit', existing.rateLimit ? `the rate limit ${existing.rateLimit.limit}/${existing.rateLimit.window_s}s` : 'no rate limit');
    if (k.secret && !state.secretMatches(existing, k.secret)) cannot('secret', 'another secret');
    const changes = existing.kind === 'bearer' && !sameList(existing.scopes, k.scopes) ? ['scopes'] : [];
    add({ type: 'key', action: changes.length ? 'update' : 'unchanged', fixture: k, existing }, k.name, changes);
  });

  f.webhooks.forEach((w) => {
    if (w.workspace !== null && !wsIds.has(w.workspace)) problem(w.line, `${w.at}.workspace`, `no workspace "${w.workspace}" in the file or the keystore`);
    const same = state.webhooks.filter((x) => x.url === w.url && x.workspaceId === w.workspace);
    const found = same.find((x) => sameList(x.events, w.events));
    if (!found && same.length > 0) {
      problem(w.line, `${w.at}.events`, `the webhook ${same[0]!.id} for this URL has the events ${same[0]!.events.join(', ')}; apply cannot change them: \`octo webhooks remove ${same[0]!.id}\` first`);
    }
    add({ type: 'webhook', action: found ? 'unchanged' : 'create', fixture: w, existingId: found?.id ?? null }, w.name, []);
  });

  if (problems.length) throw new FixturesInvalid(f.file, problems.sort((a, b) => a.line - b.line));
  return { steps, items };
}

function sameRate(a: { limit: number; window_s: number } | null, b: { limit: number; window_s: number } | null): boolean {
  return a === null || b === null ? a === b : a.limit === b.limit && a.window_s === b.window_s;
}

/** `{created, updated, unchanged}`: the plan (or what was applied) by action. */
export function planSummary(items: readonly (PlanItem & { id?: string })[]): Record<'created' | 'updated' | 'unchanged', object[]> {
  const pick = (action: PlanAction) => items.filter((i) => i.action === action).map(({ action: _a, changes, ...rest }) => (changes.length ? { ...rest, changes } : rest));
  return { created: pick('create'), updated: pick('update'), unchanged: pick('unchanged') };
}
