import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';

/**
 * The dashboard reveals secrets, so a browser's ordinary reach is fenced off:
 * - DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 sends requests with
 *   `Host: evil.example`; only the Host this server listens on (and, on loopback, localhost) is answered.
 * - Cross-site requests: every change needs a same-origin `Origin` (when the browser sends one) and
 *   the session's CSRF token, and the session cookie is SameSite=Strict.
 * - Scripts: the Content-Security-Policy allows only octo's own script and style files, no inline
 *   script, no other origin for anything, no framing.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Not no-referrer: under it Chromium sends `Origin: null` with a same-origin form, which the
  // origin check must then refuse. same-origin still sends nothing to another site.
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // Pages hold keys: never kept by a cache, a proxy or the browser's back-forward history.
  'cache-control': 'no-store',
};

const UNSPECIFIED = new Set(['0.0.0.0', '::', '[::]']);

/** The `Host` values a request may carry: host:port as the server listens, in every spelling a browser uses. */
export function allowedHosts(listenHost: string, port: number): Set<string> {
  const names = new Set<string>();
  const add = (h: string) => names.add(`${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}`.toLowerCase());
  add(listenHost);
  if (isLoopbackName(listenHost)) ['localhost', '127.0.0.1', '::1'].forEach(add);
  if (UNSPECIFIED.has(listenHost)) {
    // Listening on every address: any address of this machine, never a name someone else controls.
    add('localhost');
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) add(a.address);
  }
  return names;
}

function isLoopbackName(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export function hostAllowed(req: IncomingMessage, hosts: Set<string>): boolean {
  const host = req.headers.host;
  return typeof host === 'string' && hosts.has(host.toLowerCase());
}

/**
 * A change may come only from this dashboard's own pages: when the browser names the origin, it
 * must be ours (http:// and an allowed Host). A client that sends no Origin (curl) still needs the
 * CSRF token, which only a page of ours can read.
 */
export function originAllowed(req: IncomingMessage, hosts: Set<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return req.headers['sec-fetch-site'] === undefined || req.headers['sec-fetch-site'] === 'same-origin';
  const m = /^http:\/\/([^/]+)$/i.exec(origin);
  return m !== null && hosts.has(m[1]!.toLowerCase());
}

export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What the dashboard keeps for one browser: nothing of it is ever written anywhere. */
export interface Session {
  id: string;
  csrf: string;
  /** Past the admin token (or no token is asked). */
  signedIn: boolean;
  /** A message for the next page, and a new key's secret to show on it once (never in a URL). */
  flash: Flash | null;
}

export interface Flash {
  kind: 'ok' | 'error';
  message: string;
  hint?: string;
  /** A new key shown once: bearer keys never again, sealed keys only by an explicit click later. */
  secret?: { keyId: string; value: string; label: string };
}

const MAX_SESSIONS = 1_000;

export class Sessions {
  private readonly byId = new Map<string, Session>();

  /** The cookie is named after the port: cookies do not tell ports apart, two octo servers would share one. */
  constructor(readonly cookieName: string, private readonly tokenRequired: boolean) {}

  /** The request's session, or a new one (with `isNew`, so that its cookie is set). */
  of(req: IncomingMessage): { session: Session; isNew: boolean } {
    const id = cookieValue(req.headers.cookie, this.cookieName);
    const found = id === undefined ? undefined : this.byId.get(id);
    if (found) return { session: found, isNew: false };
    const session: Session = { id: token(), csrf: token(), signedIn: !this.tokenRequired, flash: null };
    // The oldest session goes first: a flood of cookie-less requests cannot grow the map.
    if (this.byId.size >= MAX_SESSIONS) this.byId.delete(this.byId.keys().next().value!);
    this.byId.set(session.id, session);
    return { session, isNew: true };
  }

  cookie(session: Session): string {
    return `${this.cookieName}=${session.id}; Path=/; HttpOnly; SameSite=Strict`;
  }
}

function token(): string {
  return randomBytes(24).toString('base64url');
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
