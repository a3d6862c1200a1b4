// Screenshots of every dashboard page at desktop (1280) and phone (390) width, light and dark
// scheme by the system default (light), into docs/screenshots/: `npm run build` first. A private
// keystore in a temporary folder, filled the way the README's quick start fills one; the system
// Chromium (CHROMIUM_PATH or /usr/bin/chromium), never a downloaded browser.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/octo.js');
const out = join(root, 'docs/screenshots');
const dir = mkdtempSync(join(tmpdir(), 'octo-shots-'));
const env = {
  ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'),
  OCTO_DB: join(dir, 'keystore.db'), OCTO_MASTER_KEY: randomBytes(32).toString('base64'), OCTO_ACTOR: 'alice', NO_COLOR: '1',
};
const octo = (...args) => execFileSync(process.execPath, [bin, ...args, '--json'], { env }).toString();

octo('workspaces', 'add', 'Acme Support', '--platform', 'intercom', '--id', 'acme');
octo('workspaces', 'add', 'Globex Sales', '--platform', 'hubspot', '--id', 'globex');
octo('wabas', 'add', 'Acme WhatsApp', '--workspace', 'acme', '--id', 'acme-waba');
octo('channels', 'add', 'Support SMS', '--workspace', 'acme', '--type', 'sms', '--id', 'sms');
octo('channels', 'add', 'Viber Sender', '--workspace', 'acme', '--type', 'viber', '--id', 'viber');
octo('channels', 'add', 'Telegram Bot', '--workspace', 'acme', '--type', 'telegram', '--id', 'telegram');
octo('channels', 'add', 'WhatsApp +1 555', '--workspace', 'acme', '--type', 'whatsapp', '--waba', 'acme-waba', '--id', 'wa');
octo('keys', 'create', 'workspace', '--workspace', 'acme');
octo('keys', 'create', 'channel', '--channel', 'sms');
octo('keys', 'create', 'waba', '--waba', 'acme-waba');
const bearer = JSON.parse(octo('keys', 'create', 'bearer', '--name', 'Production Server', '--scope', 'posts:read', '--scope', 'posts:write', '--rate-limit', '100/1m'));
octo('keys', 'create', 'bearer', '--name', 'CI/CD Pipeline', '--test', '--expires-in', '90d');

const serve = spawn(process.execPath, [bin, 'serve', '--ui', '--port', '0'], { env });
const url = await new Promise((resolve, reject) => {
  let text = '';
  serve.stdout.on('data', (d) => {
    text += d;
    const m = /^listening on (\S+)/.exec(text);
    if (m) resolve(m[1]);
  });
  serve.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
});
// A few requests, so that the request log has something to show.
const sms = JSON.parse(octo('keys', 'list', '--kind', 'channel')).keys[0];
const smsSecret = execFileSync(process.execPath, [bin, 'keys', 'copy', sms.id, '--print'], { env }).toString().trim();
for (const [method, path, headers] of [
  ['POST', '/api/v1/sms/messages', { 'x-octopods-auth': smsSecret, 'content-type': 'application/json' }],
  ['GET', '/v1/posts', { authorization: `Bearer ${bearer.secret}` }],
  ['GET', '/v1/contacts', { authorization: `Bearer ${bearer.secret}` }],
  ['POST', '/api/v1/sms/messages', {}],
]) {
  await fetch(url + path, { method, headers, body: method === 'POST' ? JSON.stringify({ destination_phone: '+15551234567', body: 'Hello from Octopods.' }) : undefined });
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
mkdirSync(out, { recursive: true });
const pages = [
  ['workspaces', '/'], ['channel-sms', '/ui/channels/sms'], ['channel-whatsapp', '/ui/channels/wa'], ['wabas', '/ui/wabas'],
  ['bearer-keys', '/ui/keys'], ['requests', '/ui/requests'], ['webhooks', '/ui/webhooks'], ['audit', '/ui/audit'],
];
for (const [width, height, suffix, scheme] of [[1280, 900, 'desktop', 'light'], [390, 844, 'phone', 'light'], [1280, 900, 'desktop-dark', 'dark']]) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme: scheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  for (const [name, path] of pages) {
    if (suffix === 'desktop-dark' && name !== 'workspaces' && name !== 'bearer-keys') continue;
    await page.goto(url + path);
    await page.screenshot({ path: join(out, `${name}-${suffix}.png`), fullPage: suffix !== 'phone' });
  }
  // The bearer key's one-time display, right after "Create API Key".
  if (suffix !== 'desktop-dark') {
    await page.goto(url + '/ui/keys');
    await page.getByLabel('Name').fill('Staging');
    await page.getByLabel('posts:read', { exact: true }).check();
    await page.getByRole('button', { name: 'Create API Key', exact: true }).click();
    await page.screenshot({ path: join(out, `bearer-created-${suffix}.png`) });
  }
  await context.close();
}
await browser.close();
serve.kill('SIGTERM');
await new Promise((r) => serve.on('exit', r));
rmSync(dir, { recursive: true, force: true });
console.log(`screenshots in ${out}`);
