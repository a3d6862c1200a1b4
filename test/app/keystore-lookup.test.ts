import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey, revokeKey } from '../../src/app/keys.js';
import { addChannel, addWorkspace } from '../../src/app/subjects.js';
import { Verifier } from '../../src/app/verify.js';
import type { Credentials } from '../../src/core/decision.js';
import { generateKey } from '../../src/core/key-format.js';
import { parseJsonBody } from '../../src/core/payload.js';
import type { Verdict } from '../../src/core/verdict.js';
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

beforeEach(() => {
  sandbox = new Sandbox();
  cli = new AppContext(sandbox.env);
  addWorkspace(cli, { name: 'Acme', platform: 'intercom', id: 'acme' });
  addChannel(cli, { name: 'Support line', workspace: 'acme', type: 'sms', id: 'sms1' });
  const full = createKey(cli, { kind: 'bearer', name: 'full' });
  [secrets.full, fullId] = [full.secret, full.key.id];
  const revoked = createKey(cli, { kind: 'bearer', name: 'gone' });
  revokeKey(cli, revoked.key.id, null);
  secrets.revoked = revoked.secret;
  secrets.sms = createKey(cli, { kind: 'channel', channel: 'sms1' }).secret;
  server = new AppContext(sandbox.env, undefined, () => clock);
});

afterEach(() => {
  server.close();
  cli.close();
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
const ask = (verifier: Verifier, [method, path, credentials]: Request) => verifier.decide(method, path, credentials(), () => parseJsonBody(SMS));
const brief = (v: Verdict) => [v.status, v.reason, v.key?.id ?? null];

describe('the verifier\'s memory of what each key text was', () => {
  it('gives the verdicts of a verifier without it, and looks up each well-formed key once', () => {
    const verifier = new Verifier(server.store, () => clock);
    let asked = 0;
    const findKey = verifier.lookup.findKey.bind(verifier.lookup);
    verifier.lookup.findKey = (hash) => (asked++, findKey(hash));
    for (let round = 0; round < 3; round++) {
      for (const request of REQUESTS) expect(brief(ask(verifier, request))).toEqual(brief(ask(new Verifier(server.store, () => clock), request)));
    }
    // full, revoked, the unknown key and sms; full again as an Octopods key is the same text.
    expect(asked).toBe(4);
    expect(verifier.lookup.identified.get(secrets.revoked!)).toMatchObject({ state: 'revoked' });
    expect(verifier.lookup.identified.get(unknown)).toBe('unknown_key');
    expect(verifier.lookup.identified.get(webhook)).toBe('wrong_key_family');
  });

  it('never keeps a malformed value, whatever its length', () => {
    const verifier = new Verifier(server.store, () => clock);
    for (const request of REQUESTS) ask(verifier, request);
    expect(verifier.lookup.identified.get('oct_live_nope')).toBeUndefined();
    expect(verifier.lookup.identified.get('x'.repeat(5000))).toBeUndefined();
    expect(verifier.lookup.identified.size).toBe(5);
  });

  it('forgets it when another connection commits: a revoke is seen by the next turn\'s request', async () => {
    const verifier = new Verifier(server.store, () => clock);
    const full = REQUESTS[0]!;
    expect(brief(ask(verifier, full))).toEqual([200, 'ok', fullId]);
    revokeKey(cli, fullId, null);
    await new Promise((r) => setImmediate(r));
    expect(brief(ask(verifier, full))).toEqual([401, 'revoked', fullId]);
  });
});
