import fc from 'fast-check';
import { checksumOf, PREFIXES } from '../../src/core/key-format.js';
import { RESOURCES } from '../../src/core/scopes.js';

/**
 * fast-check arbitraries for requests to the verifier: methods, paths, auth header values built
 * around real keys (exact, or almost: one character changed, cut, cased, re-prefixed, or a fresh key
 * with a valid checksum that no keystore holds), and bodies. Shared by the decision and handler fuzz.
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export const methodArb = fc.oneof(
  fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'get', 'post', ''),
  fc.string({ maxLength: 8 }),
);

const KNOWN_PATHS = [
  '/api/v1/whatsapp/messages', '/api/v1/whatsapp/interactive', '/api/v1/whatsapp/templates', '/api/v1/whatsapp/templates/',
  '/api/v1/sms/messages', '/api/v1/viber/messages', '/api/v1/viber/broadcasts', '/api/v1/telegram/messages',
  '/healthz', '/v1/keys/verify', '/v1/posts/p1/publish', '/v1/', '/v1', '/', '',
  ...RESOURCES.map((r) => `/v1/${r.resource}`),
];

const segmentArb = fc.oneof(
  fc.constantFrom('..', '.', '%2e%2e', '%zz', '%', '%E0%A4%A', '%2F', 'publish', 'hello%20world', '?x=1', '#frag', '//'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

export const pathArb = fc.oneof(
  fc.constantFrom(...KNOWN_PATHS),
  fc.tuple(fc.constantFrom(...KNOWN_PATHS), fc.array(segmentArb, { maxLength: 3 }))
    .map(([base, segments]) => [base, ...segments].join('/')),
  fc.string({ maxLength: 40 }),
);

/** A method and path: mostly a real route (so that keys reach every step), sometimes anything. */
const ROUTES: [string, string][] = [
  ['POST', '/api/v1/whatsapp/messages'], ['POST', '/api/v1/whatsapp/interactive'], ['GET', '/api/v1/whatsapp/templates'],
  ['POST', '/api/v1/whatsapp/templates'], ['DELETE', '/api/v1/whatsapp/templates/hello'], ['POST', '/api/v1/sms/messages'],
  ['POST', '/api/v1/viber/messages'], ['POST', '/api/v1/viber/broadcasts'], ['POST', '/api/v1/telegram/messages'],
  ['GET', '/v1/posts'], ['POST', '/v1/posts'], ['POST', '/v1/posts/p1/publish'], ['GET', '/v1/handoff-analytics'],
  ['DELETE', '/v1/contacts/c1'], ['GET', '/v1/posts?x=1'],
];

export const routeArb: fc.Arbitrary<[string, string]> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...ROUTES) },
  fc.tuple(methodArb, pathArb),
);

const randomKeyArb = fc.tuple(fc.constantFrom(...PREFIXES.map((p) => p.prefix)), fc.array(fc.constantFrom(...BASE62), { minLength: 32, maxLength: 32 }))
  .map(([prefix, chars]) => prefix + chars.join('') + checksumOf(prefix + chars.join('')));

/** A real key, or one that is almost it. */
export function keyArb(secrets: readonly string[]): fc.Arbitrary<string> {
  const real = fc.constantFrom(...secrets);
  return fc.oneof(
    { weight: 8, arbitrary: real },
    real.chain((k) => fc.tuple(fc.nat(k.length - 1), fc.constantFrom(...BASE62)).map(([i, c]) => k.slice(0, i) + c + k.slice(i + 1))),
    real.chain((k) => fc.nat(k.length).map((n) => k.slice(0, n))),
    real.map((k) => k + 'x'),
    real.map((k) => k.toUpperCase()),
    real.map((k) => ` ${k} `),
    real.chain((k) => fc.constantFrom(...PREFIXES.map((p) => p.prefix)).map((p) => p + k.replace(/^oct(?:o)?_[a-z]+_/, ''))),
    randomKeyArb,
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 50 }),
  );
}

/** Zero to three values of one header: a key, `Bearer <key>` in several spellings, or noise. */
export function headerValuesArb(secrets: readonly string[]): fc.Arbitrary<string[]> {
  const key = keyArb(secrets);
  const value = fc.oneof(
    key,
    key.map((k) => `Bearer ${k}`),
    key.map((k) => `bearer ${k}`),
    key.map((k) => `Bearer  ${k}`),
    key.map((k) => `Basic ${k}`),
    fc.constantFrom('', 'Bearer', 'Bearer ', ' '),
  );
  return fc.oneof(
    { weight: 4, arbitrary: value.map((v) => [v]) },
    fc.constant<string[]>([]),
    fc.array(value, { maxLength: 3 }),
  );
}

export interface CredentialValues {
  octopodsAuth: string[];
  authorization: string[];
}

/** Both auth headers: mostly a key sent the way one family expects it, sometimes anything in either. */
export function credentialsArb(secrets: readonly string[]): fc.Arbitrary<CredentialValues> {
  const key = keyArb(secrets);
  return fc.oneof(
    { weight: 3, arbitrary: key.map((k) => ({ octopodsAuth: [k], authorization: [] })) },
    { weight: 3, arbitrary: key.map((k) => ({ octopodsAuth: [], authorization: [`Bearer ${k}`] })) },
    { weight: 2, arbitrary: fc.record({ octopodsAuth: headerValuesArb(secrets), authorization: headerValuesArb(secrets) }) },
  );
}

const channelIdArb = fc.oneof(fc.constantFrom('sms_a', 'viber_a', 'tg_a', 'wa_a1', 'wa_a2', 'sms_b1', 'sms1', 'wa1', ''), fc.string({ maxLength: 8 }), fc.integer());

/** Request bodies: well-formed messages with random fields, any JSON, or any text. */
export const bodyTextArb: fc.Arbitrary<string> = fc.oneof(
  // One body every message and template endpoint accepts, so that accepted requests are common too
  // (at weight 1, a run of 10,000 requests saw no 202 about once in 35 runs).
  { weight: 3, arbitrary: fc.constant(JSON.stringify({
    destination_phone: '+15551234567', body: 'Hello', chat_id: 42, recipients: ['+15551234567'], interactive: {}, name: 'hello', language: 'en',
  })) },
  fc.record({
    destination_phone: fc.oneof(fc.constant('+15551234567'), fc.string({ maxLength: 16 })),
    body: fc.oneof(fc.constant('Hello'), fc.string({ maxLength: 8 }), fc.integer()),
    channel_id: channelIdArb,
    chat_id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 })),
    recipients: fc.array(fc.oneof(fc.constant('+15551234567'), fc.string({ maxLength: 8 })), { maxLength: 3 }),
    template: fc.oneof(fc.record({ name: fc.string({ maxLength: 6 }) }), fc.constant(null)),
    interactive: fc.oneof(fc.object({ maxDepth: 1 }), fc.constant(null)),
    name: fc.string({ maxLength: 6 }),
    language: fc.string({ maxLength: 6 }),
  }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', 'null', '[]', '"x"', '{', '{"__proto__": {"channel_id": "sms_a"}}'),
);
