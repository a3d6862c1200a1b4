import type { KeyKind } from './key-format.js';
import { keyLabel, type ChannelType } from './model.js';
import { findResource, scopeForMethod } from './scopes.js';

/**
 * The route table of the verifier (SPEC §6): the Octopods endpoints of §6.1, the scoped
 * `/v1/{resource}[/...]` endpoints of §6.2, and the verifier's own routes. Pure: a method and a path
 * in, a route (or 404 / 405 with the allowed methods) out.
 */
export type PayloadRule =
  | 'sms' | 'viber' | 'viber-broadcast' | 'telegram' | 'whatsapp' | 'whatsapp-interactive' | 'template';

export interface OctopodsRoute {
  family: 'octopods';
  method: string;
  /** The endpoint as people write it, e.g. `DELETE /api/v1/whatsapp/templates/{name}`. */
  name: string;
  channelType: ChannelType;
  /** Key kinds that serve it; a channel key only for a channel of `channelType`. */
  kinds: readonly Exclude<KeyKind, 'bearer'>[];
  /** Messages go through one channel; templates act per WABA and need none. */
  needsChannel: boolean;
  payload: PayloadRule | null;
  success: 200 | 201 | 202;
  /** `expected` of a 403 wrong_key_type: the key to use, as the seeds label it. */
  expected: string;
  /** The path parameter of `/templates/{name}`, when matched. */
  param?: string;
}

export interface ScopedRoute {
  family: 'scoped';
  method: string;
  name: string;
  resource: string;
  scope: string;
  liveOnly: boolean;
}

export interface ServerRoute {
  family: 'server';
  method: string;
  name: 'GET /healthz' | 'POST /v1/keys/verify';
}

export type Route = OctopodsRoute | ScopedRoute | ServerRoute;

export type RouteMatch =
  | { kind: 'route'; route: Route }
  | { kind: 'not_found' }
  | { kind: 'method_not_allowed'; allow: readonly string[] };

type OctopodsRow = Omit<OctopodsRoute, 'family' | 'name' | 'expected' | 'param'>;

const WABA_ONLY = ['waba'] as const;
const CHANNEL_OR_WORKSPACE = ['channel', 'workspace'] as const;

function octopods(path: string, rows: OctopodsRow[]): [string, Map<string, OctopodsRoute>] {
  const byMethod = new Map<string, OctopodsRoute>();
  for (const row of rows) {
    const expected = row.kinds
      .map((k) => (k === 'channel' ? keyLabel('channel', row.channelType) : keyLabel(k)))
      .join(' or ');
    byMethod.set(row.method, { family: 'octopods', name: `${row.method} ${path}`, expected, ...row });
  }
  return [path, byMethod];
}

const message = (channelType: ChannelType, payload: PayloadRule, kinds: OctopodsRow['kinds']): OctopodsRow => ({
  method: 'POST', channelType, kinds, needsChannel: true, payload, success: 202,
});

/** SPEC §6.1, one entry per path. */
const OCTOPODS = new Map<string, Map<string, OctopodsRoute>>([
  octopods('/api/v1/whatsapp/messages', [message('whatsapp', 'whatsapp', WABA_ONLY)]),
  octopods('/api/v1/whatsapp/interactive', [message('whatsapp', 'whatsapp-interactive', WABA_ONLY)]),
  octopods('/api/v1/whatsapp/templates', [
    { method: 'GET', channelType: 'whatsapp', kinds: WABA_ONLY, needsChannel: false, payload: null, success: 200 },
    { method: 'POST', channelType: 'whatsapp', kinds: WABA_ONLY, needsChannel: false, payload: 'template', success: 201 },
  ]),
  octopods('/api/v1/sms/messages', [message('sms', 'sms', CHANNEL_OR_WORKSPACE)]),
  octopods('/api/v1/viber/messages', [message('viber', 'viber', CHANNEL_OR_WORKSPACE)]),
  // Broadcasts go to many recipients from one sender: the seed grants them to the Viber channel key only.
  octopods('/api/v1/viber/broadcasts', [message('viber', 'viber-broadcast', ['channel'])]),
  octopods('/api/v1/telegram/messages', [message('telegram', 'telegram', CHANNEL_OR_WORKSPACE)]),
]);

const TEMPLATE_PREFIX = '/api/v1/whatsapp/templates/';
const DELETE_TEMPLATE = octopods(`${TEMPLATE_PREFIX}{name}`, [
  { method: 'DELETE', channelType: 'whatsapp', kinds: WABA_ONLY, needsChannel: false, payload: null, success: 200 },
])[1];

const SERVER: Record<string, ServerRoute> = {
  '/healthz': { family: 'server', method: 'GET', name: 'GET /healthz' },
  '/v1/keys/verify': { family: 'server', method: 'POST', name: 'POST /v1/keys/verify' },
};

const READS = ['GET', 'HEAD'];
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];
const ALL_METHODS = [...READS, ...WRITES];
const PUBLISH = /^\/v1\/posts\/[^/]+\/publish\/?$/;

function inMap(byMethod: Map<string, OctopodsRoute>, method: string): RouteMatch {
  const route = byMethod.get(method);
  return route ? { kind: 'route', route } : { kind: 'method_not_allowed', allow: [...byMethod.keys()] };
}

/** The path without its query string or fragment: routing never looks at either. */
export function pathOnly(rawPath: string): string {
  const q = rawPath.indexOf('?');
  const h = rawPath.indexOf('#');
  const end = q === -1 ? h : h === -1 ? q : Math.min(q, h);
  return end === -1 ? rawPath : rawPath.slice(0, end);
}

export function matchRoute(method: string, rawPath: string): RouteMatch {
  const path = pathOnly(rawPath);
  const exact = OCTOPODS.get(path);
  if (exact) return inMap(exact, method);
  const server = SERVER[path];
  if (server) {
    if (method === server.method || (server.method === 'GET' && method === 'HEAD')) return { kind: 'route', route: server };
    return { kind: 'method_not_allowed', allow: server.method === 'GET' ? READS : [server.method] };
  }
  if (path.startsWith(TEMPLATE_PREFIX)) {
    const name = path.slice(TEMPLATE_PREFIX.length);
    if (name === '' || name.includes('/')) return { kind: 'not_found' };
    const match = inMap(DELETE_TEMPLATE, method);
    return match.kind === 'route' ? { kind: 'route', route: { ...(match.route as OctopodsRoute), param: decodeSegment(name) } } : match;
  }
  if (path.startsWith('/v1/')) return matchScoped(method, path);
  return { kind: 'not_found' };
}

function matchScoped(method: string, path: string): RouteMatch {
  const end = path.indexOf('/', 4);
  const resource = end === -1 ? path.slice(4) : path.slice(4, end);
  const entry = findResource(resource);
  if (!entry) return { kind: 'not_found' };
  const read = READS.includes(method);
  if (!read && !WRITES.includes(method)) return { kind: 'method_not_allowed', allow: entry.actions.includes('write') ? ALL_METHODS : READS };
  // handoff-analytics has no write scope (OpenCX seed): a write there is a method the resource lacks.
  if (!read && !entry.actions.includes('write')) return { kind: 'method_not_allowed', allow: READS };
  return {
    kind: 'route',
    route: {
      family: 'scoped',
      method,
      name: `${method} ${path}`,
      resource,
      scope: scopeForMethod(resource, method),
      liveOnly: method === 'POST' && PUBLISH.test(path),
    },
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `"POST /api/v1/sms/messages"` → method and path; null when it is not `METHOD /path`. */
export function parseEndpoint(text: string): { method: string; path: string } | null {
  const m = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(text);
  return m ? { method: m[1]!.toUpperCase(), path: m[2]! } : null;
}
