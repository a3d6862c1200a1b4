import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey, revokeKey, rotateKey } from '../../src/app/keys.js';
import { addChannel, addWaba, addWorkspace } from '../../src/app/subjects.js';
import { Verifier } from '../../src/app/verify.js';
import { hashKey, KEY_PATTERN_SOURCE } from '../../src/core/key-format.js';
import { createHandler, type LaterHandler } from '../../src/server/handler.js';
import { Sandbox } from '../helpers/cli.js';
import { bodyTextArb, credentialsArb, keyArb, methodArb, pathArb, routeArb } from '../helpers/fuzz-inputs.js';

/**
 * The pure handler (method, path, headers, body bytes in; status, headers, body out) under fuzz,
 * over a real keystore with live, revoked and rotated keys of every kind: never a 5xx, never an
 * exception, always a JSON body, and never a key in the answer.
 */
const RUNS = 10_000;

let sandbox: Sandbox;
let ctx: AppContext;
let verifier: Verifier;
let handle: LaterHandler;
const secrets: string[] = [];

beforeAll(async () => {
  sandbox = new Sandbox();
  ctx = new AppContext(sandbox.env);
  await addWorkspace(ctx, { name: 'Acme', platform: 'intercom', id: 'acme' });
  await addChannel(ctx, { name: 'Support', workspace: 'acme', type: 'sms', id: 'sms1' });
  await addChannel(ctx, { name: 'Viber', workspace: 'acme', type: 'viber', id: 'viber1' });
  await addWaba(ctx, { name: 'WABA', workspace: 'acme', id: 'waba1' });
  await addChannel(ctx, { name: '+1 555 0100', workspace: 'acme', type: 'whatsapp', waba: 'waba1', id: 'wa1' });
  const issue = async (input: Parameters<typeof createKey>[1]) => {
    const issued = (await createKey(ctx, input));
    secrets.push(issued.secret);
    return issued;
  };
  await issue({ kind: 'workspace', workspace: 'acme' });
  await issue({ kind: 'channel', channel: 'viber1', rateLimit: { limit: 3, window_s: 60 } });
  await issue({ kind: 'waba', waba: 'waba1' });
  await issue({ kind: 'bearer', name: 'full' });
  await issue({ kind: 'bearer', name: 'reader', scopes: ['posts:read'], test: true });
  await revokeKey(ctx, (await issue({ kind: 'bearer', name: 'revoked' })).key.id, null);
  secrets.push((await rotateKey(ctx, (await issue({ kind: 'channel', channel: 'sms1' })).key.id)).secret);
  verifier = new Verifier(await ctx.keystore(), () => Date.now());
  handle = createHandler({ verifier, now: () => Date.now() });
});

afterAll(async () => {
  await verifier?.stop();
  await ctx?.close();
  sandbox?.cleanup();
});

describe('the pure handler under fuzz', () => {
  it(`answers ${RUNS} arbitrary requests below 500, in JSON, without a key in the answer`, async () => {
    let cases = 0;
    const statuses = new Set<number>();
    const keyPattern = new RegExp(KEY_PATTERN_SOURCE);
    // Arbitraries are built here: the secrets exist only once beforeAll ran.
    const verifyBody = fc.record({ key: keyArb(secrets), endpoint: fc.oneof(fc.constant(undefined), fc.string(), routeArb.map(([m, p]) => `${m} ${p}`)) })
      .map((b) => JSON.stringify(b));
    const request = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(routeArb, fc.constant(null)) },
      fc.tuple(fc.tuple(methodArb, pathArb), fc.constant(null)),
      fc.tuple(fc.constant<[string, string]>(['POST', '/v1/keys/verify']), verifyBody),
    );
    const fields = fc.record({
      credentials: credentialsArb(secrets),
      body: fc.oneof({ weight: 3, arbitrary: bodyTextArb.map((t) => Buffer.from(t)) }, fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b))),
      loopback: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
    });
    await fc.assert(fc.asyncProperty(request, fields, async ([[method, path], verifyText], f) => {
      cases++;
      // As node hands them over: absent, one string, or an array for a repeated header.
      const one = (v: string[]) => (v.length === 0 ? undefined : v.length === 1 ? v[0] : v);
      const headers = { 'x-octopods-auth': one(f.credentials.octopodsAuth), authorization: one(f.credentials.authorization) };
      const body = verifyText === null ? f.body : Buffer.from(verifyText);
      const r = await handle(method, path, headers, body, { loopback: f.loopback });
      expect(r.status).toBeGreaterThanOrEqual(200);
      expect(r.status).toBeLessThan(500);
      statuses.add(r.status);
      const parsed = JSON.parse(r.body) as Record<string, unknown>;
      if (r.status >= 400) expect(parsed).toMatchObject({ error: expect.any(String), code: expect.any(String), reason: expect.any(String) });
      expect(r.body).not.toMatch(keyPattern);
      expect(r.keyId === null || /^key_\w+$/.test(r.keyId)).toBe(true);
    }), { numRuns: RUNS });
    expect(cases).toBe(RUNS);
    // Only SPEC §6 statuses, and accepted messages as well as the common refusals among them.
    for (const status of statuses) expect([200, 201, 202, 400, 401, 403, 404, 405, 422, 429]).toContain(status);
    for (const status of [200, 202, 400, 401, 403, 404, 422]) expect(statuses).toContain(status);
  }, 60_000);

  it('the decision reads key records that hold neither the key nor its hash: nothing to compare in time', async () => {
    // The keystore finds a key by the SHA-256 of what was presented (an index seek on a digest the
    // client cannot steer byte by byte); the record it returns carries no secret to compare.
    for (const secret of secrets) {
      const record = (await (await ctx.keystore()).keys.findByHash(hashKey(secret)))!;
      const values = JSON.stringify(record);
      expect(values).not.toContain(secret);
      expect(values).not.toContain(hashKey(secret).toString('hex'));
      expect(values).not.toContain(hashKey(secret).toString('base64'));
    }
  });
});
