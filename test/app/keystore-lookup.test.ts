import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey, revokeKey } from '../../src/app/keys.js';
import { addChannel, addWorkspace } from '../../src/app/subjects.js';
import { Verifier } from '../../src/app/verify.js';
import type { Credentials } from '../../src/core/decision.js';
import { generateKey } from '../../src/core/key-format.js';
import { parseJsonBody } from '../../src/core/payload.js';
import type { Verdict } from '../../src/core/verdict.js';
import type { Keystore } from '../../src/store/keystore.js';
import { Sandbox } from '../helpers/cli.js';

/**
 * What the verifier remembers of each key text (app/, not the decision): the same verdicts as a
 * verifier that remembers nothing, each well-formed key looked up once, malformed values never kept,
 * and all of it dropped when another connection commits. A real keystore, changed through a second
 * AppContext as the CLI in another process would.
 */
let sandbox: Sandbox;
let cli: AppContext;
let server: AppContext;
const clock = Date.now();
const secrets: Record<string, string> = {};
let fullId: string;
let store: Keystore;

beforeEach(async () => {
  sandbox = new Sandbox();
  cli = new AppContext(sandbox.env);
  await addWorkspace(cli, { name: 'Acme', platform: 'intercom', id: 'acme' });
  await addChannel(cli, { name: 'Support line', workspace: 'acme', type: 'sms', id: 'sms1' });
  const full = await createKey(cli, { kind: 'bearer', name: 'full' });
  [secrets.full, fullId] = [full.secret, full.key.id];
  const revoked = await createKey(cli, { kind: 'bearer', name: 'gone' });
  await revokeKey(cli, revoked.key.id, null);
  secrets.revoked = revoked.secret;
  secrets.sms = (await createKey(cli, { kind: 'channel', channel: 'sms1' })).secret;
  server = new AppContext(sandbox.env, undefined, () => clock);
  store = await server.keystore();
});

afterEach(async () => {
  await server.close();
  await cli.close();
  sandbox.cleanup();
});

const SMS = JSON.stringify({ destination_phone: '+15551234567', body: 'Hello from Octopods.' });
const unknown = generateKey('oct_live_');
const webhook = generateKey('octo_wh_');
type Request = [method: string, path: string, credentials: () => Credentials];
const bearer = (key: () => string): Request => ['GET', '/v1/posts', () => ({ octopodsAuth: [], authorization: [`Bearer ${key()}`] })];
const octopods = (key: () => string): Request => ['POST', '/api/v1/sms/messages', () => ({ octopodsAuth: [key()], authorization: [] })];
const REQUESTS: Request[] = [
  bearer(() => secrets.full!), bearer(() => secrets.revoked!), bearer(() => unknown), bearer(() => secrets.sms!),
  bearer(() => webhook), bearer(() => 'oct_live_nope'),
  octopods(() => secrets.sms!), octopods(() => secrets.full!), octopods(() => 'x'.repeat(5000)),
];
const ask = async (verifier: Verifier, [method, path, credentials]: Request) => verifier.decide(method, path, credentials(), () => parseJsonBody(SMS));
const brief = (v: Verdict) => [v.status, v.reason, v.key?.id ?? null];

describe('the verifier\'s memory of what each key text was', () => {
  it('gives the verdicts of a verifier without it, and looks up each well-formed key once', async () => {
    const verifier = new Verifier(store, () => clock);
    let asked = 0;
    const findKey = verifier.lookup.findKey.bind(verifier.lookup);
    verifier.lookup.findKey = (hash) => (asked++, findKey(hash));
    for (let round = 0; round < 3; round++) {
      for (const request of REQUESTS) expect(brief(await ask(verifier, request))).toEqual(brief(await ask(new Verifier(store, () => clock), request)));
    }
    // full, revoked, the unknown key and sms; full again as an Octopods key is the same text.
    expect(asked).toBe(4);
    expect(verifier.lookup.identified.get(secrets.revoked!)).toMatchObject({ state: 'revoked' });
    expect(verifier.lookup.identified.get(unknown)).toBe('unknown_key');
    expect(verifier.lookup.identified.get(webhook)).toBe('wrong_key_family');
  });

  it('never keeps a malformed value, whatever its length', async () => {
    const verifier = new Verifier(store, () => clock);
    for (const request of REQUESTS) await ask(verifier, request);
    expect(verifier.lookup.identified.get('oct_live_nope')).toBeUndefined();
    expect(verifier.lookup.identified.get('x'.repeat(5000))).toBeUndefined();
    expect(verifier.lookup.identified.size).toBe(5);
  });

  it('forgets it when another connection commits: a revoke is seen by the next turn\'s request', async () => {
    const verifier = new Verifier(store, () => clock);
    const full = REQUESTS[0]!;
    expect(brief(await ask(verifier, full))).toEqual([200, 'ok', fullId]);
    await revokeKey(cli, fullId, null);
    await new Promise((r) => setImmediate(r));
    expect(brief(await ask(verifier, full))).toEqual([401, 'revoked', fullId]);
  });

  it('answers a key it knows at once, with no promise; a miss is a promise', async () => {
    const verifier = new Verifier(store, () => clock);
    const [method, path, credentials] = octopods(() => secrets.sms!);
    const first = verifier.decide(method, path, credentials(), () => parseJsonBody(SMS));
    expect(first).toBeInstanceOf(Promise);
    expect(brief(await first)).toEqual([202, 'ok', expect.stringMatching(/^key_/)]);
    const again = verifier.decide(method, path, credentials(), () => parseJsonBody(SMS));
    expect(again).not.toBeInstanceOf(Promise);
    expect(brief(again as Verdict)).toEqual(brief(await first));
  });

  it('keeps out of its cache what a lookup begun before a clear found (a change committed meanwhile)', async () => {
    const verifier = new Verifier(store, () => clock);
    const pending = verifier.lookup.identify(secrets.full!);
    expect(pending).toBeInstanceOf(Promise);
    // Another connection revokes the key while the lookup is in flight; the verifier clears.
    verifier.lookup.clear();
    expect(await pending).toMatchObject({ id: fullId, state: 'active' });
    expect(verifier.lookup.identified.get(secrets.full!)).toBeUndefined();
    // The next lookup reads the keystore again, and is kept.
    expect(await verifier.lookup.identify(secrets.full!)).toMatchObject({ id: fullId });
    expect(verifier.lookup.identified.get(secrets.full!)).toMatchObject({ id: fullId });
  });

  it('loads the channels again after a clear before it decides (a channel added meanwhile is seen)', async () => {
    const verifier = new Verifier(store, () => clock);
    const ws = await createKey(cli, { kind: 'workspace', workspace: 'acme' });
    const [method, path, credentials] = octopods(() => ws.secret);
    expect(brief(await ask(verifier, [method, path, credentials]))).toEqual([202, 'ok', ws.key.id]);
    await addChannel(cli, { name: 'Second line', workspace: 'acme', type: 'sms', id: 'sms2' });
    await new Promise((r) => setImmediate(r));
    // Two SMS channels now: the message must name one.
    expect(brief(await ask(verifier, [method, path, credentials]))).toEqual([422, 'invalid_request', ws.key.id]);
  });
});
