import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../app/context.js';
import { isOctoError } from '../core/errors.js';
import type { SubjectType } from '../core/model.js';
import type { RequestJournal } from '../server/journal.js';
import type { ServeExtension } from '../server/serve.js';
import * as act from './actions.js';
import { ASSETS } from './assets.js';
import type { Html } from './html.js';
import { LiveEvents } from './live.js';
import { auditPage, notFoundPage, requestsPage, signInPage, webhooksPage } from './pages/activity.js';
import { bearerPage, revokePage, scopesPage } from './pages/bearer.js';
import { page } from './pages/layout.js';
import { channelPage, channelsPage, wabasPage, workspacesPage, type Fresh } from './pages/subjects.js';
import { allowedHosts, hostAllowed, originAllowed, sameSecret, Sessions, SECURITY_HEADERS, type Flash, type Session } from './security.js';

export interface DashboardOptions {
  /** The CLI's context; the dashboard acts as `ui:<actor>` through it (actions.ts). */
  ctx: AppContext;
  /** The keystore's change counter: a change by another process is pushed to open pages. */
  changeCounter: () => number;
  /** The address `serve` listens on: the only Host answered. */
  host: string;
  /** When set, every page first asks for it (required by `serve` beyond loopback). */
  adminToken: string | null;
  onError: (err: unknown) => void;
}

const KEY_ID = /^key_[A-Za-z0-9]{1,64}$/;
const SUBJECT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const BACK = /^\/(ui\/[A-Za-z0-9_.\/-]*)?$/;
const FORM_LIMIT = 64 * 1024;
const SUBJECT_TYPES: readonly SubjectType[] = ['workspace', 'channel', 'waba'];

/** A dashboard path: `/`, everything under `/ui/`, and the icon browsers ask for; all others are the verifier's. */
export function isDashboardPath(path: string): boolean {
  return path === '/' || path === '/ui' || path.startsWith('/ui/') || path === '/favicon.ico';
}

/** Also notified when a webhook attempt is recorded (the dispatcher runs in this process). */
export interface Dashboard extends ServeExtension {
  deliveryRecorded(): void;
}

/**
 * `octo serve --ui`: server-rendered pages on the verifier's port. Requests to `/` and `/ui/…` are
 * answered here, never by the verifier, and are not in its request log (nothing of them is logged).
 */
export function createDashboard(opts: DashboardOptions): Dashboard {
  const ctx = act.dashboardContext(opts.ctx);
  let journal: RequestJournal | null = null;
  const live = new LiveEvents(opts.changeCounter, (n) => journal?.list({}, n) ?? []);
  let hosts = new Set<string>();
  let sessions = new Sessions('octo_ui', opts.adminToken !== null);
  let keystoreWritten = () => {};
  // Every change the dashboard makes goes through serve's own connection, which (over SQLite) does
  // not move the data_version the verifier watches: the verifier is told, or it would keep
  // answering from what it had read (a key revoked here still accepted).
  const written = () => {
    keystoreWritten();
    live.changed();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (!hostAllowed(req, hosts)) return plain(res, 403, 'refused: this Host is not the address octo serves the dashboard on (DNS rebinding guard)\n');
    const asset = ASSETS[path];
    if (asset) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed\n');
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type });
      return void res.end(req.method === 'HEAD' ? undefined : asset.body);
    }
    const { session, isNew } = sessions.of(req);
    const cookie: Record<string, string> = isNew ? { 'set-cookie': sessions.cookie(session) } : {};
    if (req.method === 'POST') {
      if (!originAllowed(req, hosts)) return plain(res, 403, 'refused: a change must come from this dashboard\'s own pages (cross-origin request)\n', cookie);
      const fields = await readForm(req);
      if (fields === null) return plain(res, 413, 'form too large\n', cookie);
      const token = path.endsWith('/reveal') ? header(req, 'x-csrf-token') : fields.get('csrf') ?? undefined;
      if (!sameSecret(token, session.csrf)) return plain(res, 403, 'refused: missing or wrong CSRF token; reload the page and try again\n', cookie);
      if (!session.signedIn) {
        if (path !== '/ui/sign-in') return plain(res, 401, 'sign in first\n', cookie);
        if (sameSecret(fields.get('token') ?? undefined, opts.adminToken!)) session.signedIn = true;
        else session.flash = { kind: 'error', message: 'wrong admin token' };
        return redirect(res, '/', cookie);
      }
      return post(req, res, path, session, fields, cookie);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed\n', cookie);
    if (!session.signedIn) return send(res, 401, page({ title: 'Sign in', section: '', csrf: session.csrf, flash: takeFlash(session, req), bare: true }, signInPage(session.csrf)), cookie);
    if (path === '/ui/events') return live.subscribe(res, { ...SECURITY_HEADERS, ...cookie });
    return get(req, res, path, session, cookie);
  };

  const get = async (req: IncomingMessage, res: ServerResponse, path: string, session: Session, cookie: Record<string, string>): Promise<void> => {
    const render = (title: string, section: string, body: Html, flash: Flash | null) =>
      send(res, 200, page({ title, section, csrf: session.csrf, flash }, body), cookie);
    const flash = takeFlash(session, req);
    const fresh: Fresh = flash?.secret ? { keyId: flash.secret.keyId, value: flash.secret.value } : null;
    const [, , what, id, sub] = path.split('/');
    if (path === '/') return render('API Keys', '/', workspacesPage(await act.workspaces(ctx), session.csrf, fresh), flash);
    if (path === '/ui/channels') return render('Channels', '/ui/channels', channelsPage(await act.channels(ctx)), flash);
    if (what === 'channels' && id && sub === undefined) {
      const channel = (await act.channels(ctx)).find((c) => c.id === decode(id));
      if (channel) return render(channel.name, '/ui/channels', channelPage(channel, session.csrf, fresh), flash);
    }
    if (path === '/ui/wabas') return render('WABAs', '/ui/wabas', wabasPage(await act.wabas(ctx), await act.channels(ctx), session.csrf, fresh), flash);
    if (path === '/ui/keys') return render('Bearer keys', '/ui/keys', bearerPage(await act.bearerKeys(ctx), session.csrf, fresh), flash);
    if (what === 'keys' && id && KEY_ID.test(id) && (sub === 'scopes' || sub === 'revoke')) {
      const key = await act.key(ctx, id);
      if (sub === 'scopes') return render(`Scopes of ${key.name ?? key.id}`, '/ui/keys', scopesPage(key, session.csrf), flash);
      const back = backOf(new URL(req.url ?? '/', 'http://x').searchParams.get('back'));
      return render(`Revoke ${key.id}`, back === '/ui/keys' ? '/ui/keys' : '/', revokePage(key, session.csrf, back), flash);
    }
    if (path === '/ui/requests') return render('Requests', '/ui/requests', requestsPage(live.recent()), flash);
    if (path === '/ui/webhooks') return render('Webhooks', '/ui/webhooks', webhooksPage(await act.deliveries(ctx)), flash);
    if (path === '/ui/audit') return render('Audit log', '/ui/audit', auditPage(await act.audit(ctx)), flash);
    return send(res, 404, page({ title: 'Not found', section: '', csrf: session.csrf, flash }, notFoundPage()), cookie);
  };

  const post = async (
    _req: IncomingMessage, res: ServerResponse, path: string, session: Session, fields: URLSearchParams, cookie: Record<string, string>,
  ): Promise<void> => {
    const [, , what, id, sub, extra] = path.split('/');
    const back = backOf(fields.get('back'));
    if (what === 'keys' && id && KEY_ID.test(id) && sub === 'reveal' && extra === undefined) {
      // The one answer that holds a sealed key: asked by a click (Show, copy), never cached.
      try {
        return json(res, 200, { secret: await act.reveal(ctx, id) }, cookie);
      } catch (err) {
        if (!isOctoError(err)) throw err;
        return json(res, err.exitCode === 2 ? 400 : 409, { error: err.message, hint: err.hint ?? null }, cookie);
      }
    }
    try {
      if (path === '/ui/keys') {
        const shown = await act.createBearerKey(ctx, {
          name: fields.get('name') ?? '', env: fields.get('env') ?? 'live', scopes: fields.getAll('scope'),
          expiresIn: fields.get('expires_in') ?? '', rateLimit: fields.get('rate_limit') ?? '',
        });
        session.flash = { kind: 'ok', message: `Created ${shown.key.id} (${shown.key.name}).`, secret: { keyId: shown.key.id, value: shown.secret, label: shown.key.label } };
        written();
        return redirect(res, '/ui/keys', cookie);
      }
      if (what === 'subjects' && SUBJECT_TYPES.includes(id as SubjectType) && sub && SUBJECT_ID.test(decode(sub)) && extra === 'key') {
        const shown = await act.createSubjectKey(ctx, id as SubjectType, decode(sub));
        session.flash = { kind: 'ok', message: `Created the ${shown.key.label} for ${shown.key.subject?.name ?? ''}.`, secret: { keyId: shown.key.id, value: shown.secret, label: shown.key.label } };
        written();
        return redirect(res, back, cookie);
      }
      if (what === 'keys' && id && KEY_ID.test(id) && extra === undefined) {
        if (sub === 'rotate') {
          const r = await act.rotate(ctx, id, fields.get('grace') ?? '');
          const grace = r.replaced.status === 'rotated' ? ' The old key stays accepted for the grace period.' : ' The old key is refused from now on.';
          session.flash = { kind: 'ok', message: `Rotated ${r.replaced.id}: its successor is ${r.key.id}.${grace}`, secret: { keyId: r.key.id, value: r.secret, label: r.key.label } };
          written();
          return redirect(res, back, cookie);
        }
        if (sub === 'revoke') {
          const k = await act.revoke(ctx, id, fields.get('reason') ?? '');
          session.flash = { kind: 'ok', message: `Revoked ${k.id}: requests with it are refused from now on.` };
          written();
          return redirect(res, back, cookie);
        }
        if (sub === 'scopes') {
          const k = await act.setScopes(ctx, id, fields.getAll('scope'), fields.get('full_access') === '1');
          session.flash = { kind: 'ok', message: `Saved the scopes of ${k.id}: ${k.scopes === null ? 'full access' : k.scopes.join(', ')}.` };
          written();
          return redirect(res, '/ui/keys', cookie);
        }
      }
    } catch (err) {
      if (!isOctoError(err)) throw err;
      session.flash = { kind: 'error', message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
      // Back to the form that was sent: the create form, the scopes page, or the page of the key.
      return redirect(res, path === '/ui/keys' ? '/ui/keys' : sub === 'scopes' ? path : back, cookie);
    }
    return plain(res, 404, 'not found\n', cookie);
  };

  return {
    intercept(req, res) {
      const path = pathOf(req.url);
      if (!isDashboardPath(path)) return false;
      handle(req, res, path).catch((err: unknown) => {
        opts.onError(err);
        if (!res.headersSent) plain(res, 500, 'internal error in the dashboard (see serve\'s output)\n');
        else res.end();
      });
      return true;
    },
    onRequest() {
      live.request();
    },
    started(url, requests, onKeystoreWritten) {
      journal = requests;
      keystoreWritten = onKeystoreWritten;
      const port = Number(new URL(url).port);
      hosts = allowedHosts(opts.host, port);
      sessions = new Sessions(`octo_ui_${port}`, opts.adminToken !== null);
      return { line: `dashboard on ${url}/`, json: { event: 'dashboard', url: `${url}/` } };
    },
    close() {
      live.close();
    },
    deliveryRecorded() {
      live.delivery();
    },
  };
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Where a form returns to: one of the dashboard's own paths, never another site. */
function backOf(value: string | null | undefined): string {
  return value && BACK.test(value) ? value : '/';
}

/** A page navigation takes the flash; the script's live refresh (x-octo-live) leaves it for the next page. */
function takeFlash(session: Session, req: IncomingMessage): Flash | null {
  if (req.headers['x-octo-live'] !== undefined) return null;
  const flash = session.flash;
  session.flash = null;
  return flash;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= FORM_LIMIT) chunks.push(c);
    });
    req.on('end', () => resolve(size > FORM_LIMIT ? null : new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: Html, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...extra, 'content-type': 'text/html; charset=utf-8' });
  res.end(body.text);
}

function json(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...extra, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...extra, 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** Post/Redirect/Get: a reload never repeats a change, and a new key never sits in a URL. */
function redirect(res: ServerResponse, to: string, extra: Record<string, string> = {}): void {
  res.writeHead(303, { ...SECURITY_HEADERS, ...extra, location: to });
  res.end();
}
