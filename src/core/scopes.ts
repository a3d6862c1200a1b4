import { UsageError } from './errors.js';

/**
 * The built-in scope catalog: the union of the seeds' permission tables (SPEC §2).
 * Each resource has read and write, except handoff-analytics (read only, per the OpenCX seed);
 * `admin` (Chatbot Platform) is full access.
 */
export interface ScopeResource {
  resource: string;
  source: 'Octopost' | 'OpenCX' | 'Chatbot Platform';
  actions: readonly ('read' | 'write')[];
}

const RW = ['read', 'write'] as const;

export const RESOURCES: readonly ScopeResource[] = [
  ...['posts', 'accounts', 'presets', 'webhooks'].map((r) => ({ resource: r, source: 'Octopost' as const, actions: RW })),
  ...[
    'actions', 'autopilot', 'blocklist', 'chat-sessions', 'contacts', 'crawl', 'csat', 'email',
    'handoff-analytics', 'help-center', 'insights', 'office-hours', 'org', 'phone', 'redaction',
    'sequences', 'sip', 'tags', 'teams', 'training', 'whatsapp', 'widget', 'workflows',
  ].map((r) => ({
    resource: r,
    source: 'OpenCX' as const,
    actions: r === 'handoff-analytics' ? (['read'] as const) : RW,
  })),
  ...['bots', 'integrations', 'channels', 'conversations', 'agent-loops'].map((r) => ({
    resource: r,
    source: 'Chatbot Platform' as const,
    actions: RW,
  })),
];

export const ADMIN_SCOPE = 'admin';

const RESOURCE_BY_NAME = new Map(RESOURCES.map((r) => [r.resource, r]));

/** Every valid scope string, catalog order, `admin` last. */
export const ALL_SCOPES: readonly string[] = [
  ...RESOURCES.flatMap((r) => r.actions.map((a) => `${r.resource}:${a}`)),
  ADMIN_SCOPE,
];
const SCOPE_SET = new Set(ALL_SCOPES);

export function findResource(resource: string): ScopeResource | undefined {
  return RESOURCE_BY_NAME.get(resource);
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

export function nearestScope(scope: string): string {
  let best = ALL_SCOPES[0]!;
  let bestDistance = Infinity;
  for (const candidate of ALL_SCOPES) {
    const d = distance(scope.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Validates and normalises a scope list; throws a usage error naming the nearest valid scope. */
export function validateScopes(scopes: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of scopes) {
    for (const scope of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!SCOPE_SET.has(scope)) {
        const near = nearestScope(scope);
        throw new UsageError(
          `unknown scope "${scope}"; did you mean "${near}"?`,
          'run `octo scopes list` for the catalog',
          'invalid_scope',
        );
      }
      if (!out.includes(scope)) out.push(scope);
    }
  }
  return out;
}

/**
 * Scopes as stored: null means full access (no scopes, or `admin`; keys made before scopes existed
 * stay full access).
 */
export function normaliseScopes(scopes: readonly string[] | null): string[] | null {
  if (scopes === null || scopes.length === 0 || scopes.includes(ADMIN_SCOPE)) return null;
  return [...scopes].sort();
}

export function scopeForMethod(resource: string, method: string): string {
  return `${resource}:${method === 'GET' || method === 'HEAD' ? 'read' : 'write'}`;
}

export function grants(scopes: readonly string[] | null, required: string): boolean {
  return scopes === null || scopes.includes(required) || scopes.includes(ADMIN_SCOPE);
}
