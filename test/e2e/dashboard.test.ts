/// <reference lib="dom" />
import { request as httpRequest } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { Sandbox } from '../helpers/cli.js';
import { Receiver } from '../helpers/receiver.js';
import { request, startServe, type RunningServe } from '../helpers/serve.js';

/** One request by node's http (not a browser), with exactly the headers given. */
function raw(url: string, method: string, headers: Record<string, string>, body = ''): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A session of our own (cookie and CSRF token), as a page of the dashboard would hold it. */
async function session(url: string): Promise<{ cookie: string; csrf: string }> {
  const page = await raw(`${url}/`, 'GET', {});
  const cookie = String((page.headers['set-cookie'] as string[])[0]).split(';')[0]!;
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(page.text)![1]!;
  return { cookie, csrf };
}

describe('the dashboard without a browser: what `serve --ui` refuses', () => {
  const sb = new Sandbox();
  let serve: RunningServe;

  beforeAll(async () => {
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    serve = await startServe(sb, ['--ui']);
  });
  afterAll(async () => {
    await serve?.stop();
    sb.cleanup();
  });

  it('names its URL on the second line', async () => {
    await serve.until('stdout', (t) => t.split('\n').length > 2, 'dashboard line');
    expect(serve.stdout().split('\n')[1]).toBe(`dashboard on ${serve.url}/`);
  });

  it('refuses a Host that is not the address it listens on (DNS rebinding)', async () => {
    const port = new URL(serve.url).port;
    const evil = await raw(`${serve.url}/`, 'GET', { host: `evil.example:${port}` });
    expect(evil.status).toBe(403);
    expect(evil.text).toContain('DNS rebinding');
    expect(evil.text).not.toContain('octo_ws_');
    expect((await raw(`${serve.url}/`, 'GET', { host: `localhost:${port}` })).status).toBe(200);
  });

  it('refuses a cross-origin POST, and one without the CSRF token, and changes nothing', async () => {
    const { cookie, csrf } = await session(serve.url);
    const form = { 'content-type': 'application/x-www-form-urlencoded', cookie };
    const cross = await raw(`${serve.url}/ui/subjects/workspace/acme/key`, 'POST', { ...form, origin: 'http://evil.example' }, `csrf=${csrf}&back=/`);
    expect(cross.status).toBe(403);
    const noToken = await raw(`${serve.url}/ui/subjects/workspace/acme/key`, 'POST', form, 'back=/');
    expect(noToken.status).toBe(403);
    const reveal = await raw(`${serve.url}/ui/keys/key_abc/reveal`, 'POST', { cookie, origin: 'http://evil.example', 'x-csrf-token': csrf });
    expect(reveal.status).toBe(403);
    expect((await sb.json<{ keys: unknown[] }>(['keys', 'list'])).keys).toEqual([]);
    // The same request from our own origin with the token is the one that works.
    const ok = await raw(`${serve.url}/ui/subjects/workspace/acme/key`, 'POST', { ...form, origin: serve.url }, `csrf=${csrf}&back=/`);
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/');
    expect((await sb.json<{ keys: unknown[] }>(['keys', 'list'])).keys).toHaveLength(1);
  });

  it('sends a strict Content-Security-Policy and keeps pages out of caches', async () => {
    const page = await raw(`${serve.url}/`, 'GET', {});
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).not.toMatch(/<script>|<script [^>]*>[^<]/);
    expect(page.text).not.toMatch(/ on[a-z]+="/);
    expect(page.text).not.toMatch(/ style="/);
  });

  it('leaves the verifier as it is on its own paths, and logs no dashboard request', async () => {
    expect((await request(`${serve.url}/healthz`, 'GET')).status).toBe(200);
    expect((await request(`${serve.url}/api/v1/sms/messages`, 'POST', {}, {})).body.reason).toBe('missing_key');
    expect(serve.stdout()).not.toMatch(/GET \/ui\//);
  });
});

describe('serve without --ui serves no dashboard; --ui beyond loopback needs a token', () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  it('answers / and /ui/ as the verifier does (JSON, no page)', async () => {
    const serve = await startServe(sb);
    try {
      const root = await raw(`${serve.url}/`, 'GET', {});
      expect(root.headers['content-type']).toContain('application/json');
      const script = await raw(`${serve.url}/ui/assets/dashboard.js`, 'GET', {});
      expect(script.status).toBe(404);
      expect(script.headers['content-type']).toContain('application/json');
      expect(serve.stdout()).not.toContain('dashboard');
    } finally {
      await serve.stop();
    }
  });

  it('refuses --ui on a non-loopback host without --admin-token (exit 2)', async () => {
    const r = await sb.run(['serve', '--ui', '--host', '0.0.0.0', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--admin-token');
  });

  it('asks for the admin token first when one is given, and never prints it', async () => {
    const token = 'correct-horse-battery-staple-42';
    const guarded = await startServe(sb, ['--ui'], { env: { OCTO_ADMIN_TOKEN: token } });
    try {
      const first = await raw(`${guarded.url}/`, 'GET', {});
      expect(first.status).toBe(401);
      expect(first.text).toContain('Admin token');
      const { cookie, csrf } = { cookie: String((first.headers['set-cookie'] as string[])[0]).split(';')[0]!, csrf: /name="csrf-token" content="([^"]+)"/.exec(first.text)![1]! };
      const form = { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: guarded.url };
      await raw(`${guarded.url}/ui/sign-in`, 'POST', form, `csrf=${csrf}&token=wrong`);
      expect((await raw(`${guarded.url}/`, 'GET', { cookie })).status).toBe(401);
      await raw(`${guarded.url}/ui/sign-in`, 'POST', form, `csrf=${csrf}&token=${token}`);
      expect((await raw(`${guarded.url}/`, 'GET', { cookie })).status).toBe(200);
      expect(guarded.stdout() + guarded.stderr()).not.toContain(token);
    } finally {
      await guarded.stop();
    }
  });
});

describe.runIf(browserAvailable())('the dashboard in a real browser (Chromium)', () => {
  const sb = new Sandbox();
  let serve: RunningServe;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await sb.json(['workspaces', 'add', 'Globex', '--platform', 'hubspot', '--id', 'globex']);
    await sb.json(['wabas', 'add', 'Acme WABA', '--workspace', 'acme', '--id', 'acme-waba']);
    for (const [name, type] of [['Support SMS', 'sms'], ['Viber Sender', 'viber'], ['Telegram Bot', 'telegram']] as const) {
      await sb.json(['channels', 'add', name, '--workspace', 'acme', '--type', type, '--id', type]);
    }
    await sb.json(['channels', 'add', 'WhatsApp Main', '--workspace', 'acme', '--type', 'whatsapp', '--waba', 'acme-waba', '--id', 'wa']);
    serve = await startServe(sb, ['--ui']);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: serve.url });
    page = await context.newPage();
    // A refused script or style (CSP), or any error, fails the suite at the end.
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    sb.cleanup();
  });

  it('creates a workspace key: "No API key generated" becomes the key, with a copy icon', async () => {
    await page.goto(`${serve.url}/`);
    const row = page.locator('tr[data-workspace="acme"]');
    await expect.poll(() => row.textContent()).toContain('No API key generated');
    await row.getByRole('button', { name: 'Create API Key for Acme' }).click();
    const field = row.getByRole('textbox', { name: 'Workspace API Key for Acme' });
    await field.waitFor();
    const shown = await field.inputValue();
    expect(shown).toMatch(/^octo_ws_[A-Za-z0-9]{38}$/);
    expect(await row.getByRole('button', { name: 'Copy Workspace API Key for Acme' }).isVisible()).toBe(true);
    expect(await row.textContent()).not.toContain('No API key generated');
    expect(page.url()).not.toContain(shown);
    // The same key the CLI holds, made by the same use case, audited with the dashboard's actor.
    const copied = await sb.run(['keys', 'copy', (await sb.json<{ keys: { id: string }[] }>(['keys', 'list'])).keys[0]!.id, '--print']);
    expect(copied.stdout.trim()).toBe(shown);
    const audit = await sb.json<{ events: { actor: string; action: string }[] }>(['audit']);
    expect(audit.events.some((e) => e.actor === 'ui:tester' && e.action === 'key.create')).toBe(true);
  });

  it('after a reload shows the key masked, and copies the whole key with a green checkmark', async () => {
    await page.reload();
    const row = page.locator('tr[data-workspace="acme"]');
    const field = row.getByRole('textbox', { name: 'Workspace API Key for Acme' });
    expect(await field.inputValue()).toContain('…');
    const copy = row.getByRole('button', { name: 'Copy Workspace API Key for Acme' });
    await copy.click();
    await page.locator('tr[data-workspace="acme"] .copy.copied .icon-check').waitFor({ state: 'visible' });
    const check = page.locator('tr[data-workspace="acme"] .copy .icon-check');
    expect(await check.evaluate((el) => getComputedStyle(el).color)).toMatch(/rgb\((26, 127, 55|63, 185, 80)\)/);
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    expect(clip).toMatch(/^octo_ws_[A-Za-z0-9]{38}$/);
    expect(await field.inputValue()).toContain('…');
    const audit = await sb.json<{ events: { actor: string; action: string; detail: unknown }[] }>(['audit', '--limit', '1']);
    expect(audit.events).toEqual([expect.objectContaining({ actor: 'ui:tester', action: 'key.reveal', detail: { to: 'dashboard' } })]);
  });

  it('shows a change made by the CLI without a reload', async () => {
    await page.goto(`${serve.url}/`);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.waitForFunction(() => document.documentElement.getAttribute('data-live') === 'on');
    await sb.json(['keys', 'create', 'workspace', '--workspace', 'globex']);
    const row = page.locator('tr[data-workspace="globex"]');
    await row.getByRole('button', { name: 'Copy Workspace API Key for Globex' }).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  });

  it('labels each channel\'s key card by type, and the WhatsApp channel\'s Message Templates API card', async () => {
    for (const [id, label] of [['sms', 'Twilio API Key'], ['viber', 'VBM API Key'], ['telegram', 'Telegram API Key']]) {
      await page.goto(`${serve.url}/ui/channels/${id}`);
      expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toBe(label);
    }
    await page.goto(`${serve.url}/ui/channels/sms`);
    await page.getByRole('button', { name: 'Create API Key for Support SMS' }).click();
    expect(await page.getByRole('textbox', { name: 'Twilio API Key for Support SMS' }).inputValue()).toMatch(/^octo_ch_/);
    await page.goto(`${serve.url}/ui/channels/wa`);
    expect(await page.getByRole('heading', { name: 'Message Templates API' }).isVisible()).toBe(true);
    expect(await page.locator('main').textContent()).toContain('WhatsApp Business API Key');
    await page.getByRole('button', { name: 'Create API Key for Acme WABA' }).click();
    expect(await page.getByRole('textbox', { name: 'WhatsApp Business API Key for Acme WABA' }).inputValue()).toMatch(/^octo_wa_/);
  });

  it('creates a bearer key with name, environment, scopes, expiry and rate limit, and shows it once', async () => {
    await page.goto(`${serve.url}/ui/keys`);
    await page.getByLabel('Name').fill('Production Server');
    await page.getByLabel('Test').check();
    await page.getByLabel('posts:read', { exact: true }).check();
    await page.getByLabel('posts:write', { exact: true }).check();
    await page.getByLabel('Expires in').fill('90d');
    await page.getByLabel('Rate limit').fill('100/1m');
    await page.getByRole('button', { name: 'Create API Key', exact: true }).click();
    expect(await page.locator('main').textContent()).toContain('Copy the key immediately: it will only be displayed once.');
    const secret = await page.getByRole('textbox', { name: 'New API key Production Server' }).inputValue();
    expect(secret).toMatch(/^oct_test_[A-Za-z0-9]{38}$/);
    await page.getByRole('button', { name: 'Copy new API key Production Server' }).click();
    await page.locator('.once .copy.copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const { keys } = await sb.json<{ keys: { name: string; scopes: string[]; env: string; rate_limit: unknown; expires_at: string | null }[] }>(['keys', 'list', '--kind', 'bearer']);
    expect(keys[0]).toMatchObject({ name: 'Production Server', env: 'test', scopes: ['posts:read', 'posts:write'], rate_limit: { limit: 100, window_s: 60 } });
    expect(keys[0]!.expires_at).not.toBeNull();
    await page.reload();
    const html = await page.content();
    expect(html).not.toContain(secret);
    expect(html).not.toContain('it will only be displayed once');
  });

  it('edits a bearer key\'s scopes', async () => {
    await page.goto(`${serve.url}/ui/keys`);
    await page.getByRole('link', { name: 'Scopes of API key Production Server' }).click();
    await page.getByLabel('posts:write', { exact: true }).uncheck();
    await page.getByLabel('webhooks:read', { exact: true }).check();
    await page.getByRole('button', { name: 'Save scopes' }).click();
    expect(await page.locator('.flash-ok').textContent()).toContain('posts:read, webhooks:read');
    const { keys } = await sb.json<{ keys: { scopes: string[] }[] }>(['keys', 'list', '--kind', 'bearer']);
    expect(keys[0]!.scopes).toEqual(['posts:read', 'webhooks:read']);
  });

  it('revokes a key after a confirmation, and serve refuses it on the next request', async () => {
    const made = await sb.json<{ key: { id: string }; secret: string }>(['keys', 'create', 'bearer', '--name', 'Doomed', '--scope', 'posts:read']);
    const auth = { authorization: `Bearer ${made.secret}` };
    expect((await request(`${serve.url}/v1/posts`, 'GET', auth)).status).toBe(200);
    await page.goto(`${serve.url}/ui/keys`);
    const row = page.locator(`tr[data-key="${made.key.id}"]`);
    await row.locator('summary').click();
    await row.getByRole('link', { name: 'Revoke…' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Revoke API Key "Doomed"?');
    await page.getByLabel(/Reason/).fill('left the team');
    // Accepted just before the click, so the verifier holds the key in its cache when the dashboard
    // revokes it (through serve's own connection, which no other connection's commit announces).
    expect((await request(`${serve.url}/v1/posts`, 'GET', auth)).status).toBe(200);
    await page.getByRole('button', { name: 'Revoke key' }).click();
    expect(await page.locator('.flash-ok').textContent()).toContain(`Revoked ${made.key.id}`);
    const refused = await request(`${serve.url}/v1/posts`, 'GET', auth);
    expect(refused.status).toBe(401);
    expect(refused.body.reason).toBe('revoked');
    const audit = await sb.json<{ events: { actor: string; action: string; key_id: string; detail: unknown }[] }>(['audit', '--key', made.key.id]);
    expect(audit.events.find((e) => e.action === 'key.revoke')).toMatchObject({ actor: 'ui:tester', detail: { reason: 'left the team' } });
  });

  it('rotates a workspace key with a grace period', async () => {
    await page.goto(`${serve.url}/`);
    const row = page.locator('tr[data-workspace="acme"]');
    await row.locator('summary').click();
    await row.getByLabel('Grace for the old key').selectOption('1h');
    await row.getByRole('button', { name: 'Rotate' }).click();
    expect(await page.locator('.flash-ok').textContent()).toContain('stays accepted for the grace period');
    const { keys } = await sb.json<{ keys: { status: string }[] }>(['keys', 'list', '--workspace', 'acme', '--kind', 'workspace']);
    expect(keys.map((k) => k.status).sort()).toEqual(['active', 'rotated']);
  });

  it('adds each verifier request to the live log without a reload, with the key id and never the key', async () => {
    const made = await sb.json<{ key: { id: string }; secret: string }>(['keys', 'create', 'bearer', '--name', 'Logged']);
    await page.goto(`${serve.url}/ui/requests`);
    await page.waitForFunction(() => document.documentElement.getAttribute('data-live') === 'on');
    await request(`${serve.url}/v1/contacts`, 'GET', { authorization: `Bearer ${made.secret}` });
    await request(`${serve.url}/v1/contacts/${made.secret}`, 'GET', {});
    const log = page.locator('#request-log tbody');
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain(made.key.id);
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('missing_key');
    expect(await page.content()).not.toContain(made.secret);
  });

  it('shows the audit log with the dashboard\'s actor', async () => {
    await page.goto(`${serve.url}/ui/audit`);
    const text = await page.locator('main').textContent();
    expect(text).toContain('ui:tester');
    expect(text).toContain('key.revoke');
  });

  it('works at phone width: the key table fits without sideways scrolling', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const p = await phone.newPage();
    await p.goto(`${serve.url}/`);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.close();
  });

  it('logged no script error and no refused asset (CSP)', () => {
    expect(problems).toEqual([]);
  });
});

describe.runIf(browserAvailable())('webhook deliveries in the browser, updating without a reload', () => {
  const sb = new Sandbox();
  let serve: RunningServe;
  let receiver: Receiver;
  let browser: Browser;

  beforeAll(async () => {
    receiver = await Receiver.start();
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await sb.json(['channels', 'add', 'Support SMS', '--workspace', 'acme', '--type', 'sms', '--id', 'sms']);
    await sb.json(['webhooks', 'add', receiver.url, '--workspace', 'acme']);
    serve = await startServe(sb, ['--ui']);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await receiver?.close();
    sb.cleanup();
  });

  it('shows each delivery and its attempt as the dispatcher makes them', async () => {
    const key = await sb.json<{ secret: string }>(['keys', 'create', 'channel', '--channel', 'sms']);
    const page = await browser.newPage();
    await page.goto(`${serve.url}/ui/webhooks`);
    expect(await page.locator('main').textContent()).toContain('No delivery yet.');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
    await page.waitForFunction(() => document.documentElement.getAttribute('data-live') === 'on');
    const sent = await request(`${serve.url}/api/v1/sms/messages`, 'POST', { 'x-octopods-auth': key.secret }, { destination_phone: '+15551234567', body: 'Hello' });
    expect(sent.status).toBe(202);
    const main = page.locator('[data-live="deliveries"]');
    await expect.poll(() => main.textContent(), { timeout: 15_000 }).toContain('message.delivered');
    await expect.poll(async () => (await main.textContent())!.match(/succeeded/g)?.length ?? 0, { timeout: 15_000 }).toBe(3);
    expect(await page.locator('.attempts li').first().textContent()).toContain('200');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
  });
});
