import { describe, expect, it } from 'vitest';
import { parseRawDiff } from '../../src/app/scan-staged.js';
import { findKeys, looksBinary, mayHoldKey, maskKeysIn } from '../../src/core/find-keys.js';
import { generateKey, maskKey, PREFIXES } from '../../src/core/key-format.js';
import { standardSecret } from '../../src/core/standard-secret.js';
import { keyBreaches, roughDuration, type KeyPolicy } from '../../src/core/key-policy.js';
import type { KeyRecord } from '../../src/core/model.js';

const live = generateKey('oct_live_');
const ws = generateKey('octo_ws_');
const typo = live.slice(0, 20) + (live[20] === 'a' ? 'b' : 'a') + live.slice(21);

describe('findKeys', () => {
  it.each(PREFIXES.map((p) => p.prefix))('finds a %s key and names its kind', (prefix) => {
    const key = generateKey(prefix);
    const [m, ...rest] = findKeys(`token: ${key}\n`);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ key, line: 1, column: 8, info: { prefix } });
  });

  it.each([
    ['alone', live, [[1, 1]]],
    ['after text on a later line', `a\nb\n  KEY=${live}`, [[3, 7]]],
    ['in quotes', `x = "${live}"`, [[1, 6]]],
    ['twice on one line', `${live},${ws}`, [[1, 1], [1, live.length + 2]]],
    ['on CRLF lines', `a\r\nb\r\n${live}\r\n`, [[3, 1]]],
    ['after a multi-byte character', `é→${live}`, [[1, 3]]],
    ['at the end of a long file', 'x\n'.repeat(5000) + live, [[5001, 1]]],
  ])('reports %s with line and column', (_name, text, where) => {
    expect(findKeys(text).map((m) => [m.line, m.column])).toEqual(where);
  });

  it('finds a webhook secret in its whsec_ form, as the octo_wh_ secret it stands for, masked as written', () => {
    const secret = generateKey('octo_wh_');
    const whsec = standardSecret(secret);
    const found = findKeys(`${live}\nWEBHOOK_SECRET=${whsec}\n${ws}`);
    expect(found.map((m) => [m.key, m.masked, m.line, m.column])).toEqual([
      [live, maskKey(live), 1, 1], [secret, `whsec_…${whsec.slice(-8)}`, 2, 16], [ws, maskKey(ws), 3, 1],
    ]);
    expect(found[1]!.info.kind).toBe('webhook_secret');
  });

  it.each([
    ['a whsec_ of another provider', `whsec_${Buffer.alloc(32, 7).toString('base64')}`],
    ['a whsec_ of an octo_wh_ secret with a typo', standardSecret(generateKey('octo_wh_').slice(0, -1) + '_')],
    ['a whsec_ of an API key (not a webhook secret)', standardSecret(live)],
    ['a whsec_ inside a longer token', standardSecret(generateKey('octo_wh_')) + 'A'],
  ])('does not report %s', (_name, text) => expect(findKeys(text)).toEqual([]));

  it.each([
    ['a one-character typo (checksum)', typo],
    ['a placeholder', 'oct_live_' + 'x'.repeat(38)],
    ['a key inside a longer token (before)', 'X' + live],
    ['a key inside a longer token (after)', live + 'Z'],
    ['a key glued to an underscore', 'MY_' + live],
    ['one character short', live.slice(0, -1)],
    ['an unknown prefix', 'oct_prod_' + live.slice(9)],
    ['no key at all', 'octopus oct_ octo_ october'],
  ])('does not report %s', (_name, text) => expect(findKeys(text)).toEqual([]));
});

describe('maskKeysIn, whsec_ secrets', () => {
  const whsec = standardSecret(generateKey('octo_wh_'));
  const svix = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  it.each([
    ["octo's", `no webhook with id "${whsec}"`, `no webhook with id "whsec_…${whsec.slice(-8)}"`],
    ["another provider's", `x ${svix} y`, `x whsec_…${svix.slice(-8)} y`],
    ['beside an octo key', `${live} ${whsec}`, `${maskKey(live)} whsec_…${whsec.slice(-8)}`],
    ['a prefix alone', 'secrets start whsec_', 'secrets start whsec_'],
  ])('masks %s', (_name, text, expected) => expect(maskKeysIn(text)).toBe(expected));
});

describe('file sniffing', () => {
  it.each([
    ['text', Buffer.from('hello\nworld'), false],
    ['a NUL in the first bytes', Buffer.from([0x89, 0x50, 0x00, 0x47]), true],
    ['a NUL after 8,000 bytes', Buffer.concat([Buffer.alloc(8000, 0x61), Buffer.from([0])]), false],
    ['empty', Buffer.alloc(0), false],
  ])('looksBinary: %s → %s', (_name, bytes, binary) => expect(looksBinary(bytes)).toBe(binary));
  it.each([
    [`k=${live}`, true], [`k=${ws}`, true], [`k=${standardSecret(generateKey('octo_wh_'))}`, true], ['nothing here', false], ['octopus', false],
  ])('mayHoldKey(%j) → %s', (text, may) => expect(mayHoldKey(Buffer.from(text))).toBe(may));
});

const DAY = 86_400_000;
const NOW = 1_000 * DAY;
function record(over: Partial<KeyRecord>): KeyRecord {
  return {
    id: 'key_x', kind: 'bearer', name: 'n', env: 'live', subject: null, workspaceId: null, channelType: null, scopes: null,
    state: 'active', masked: 'm', createdAt: NOW - DAY, expiresAt: null, revokedAt: null, revokedReason: null,
    graceUntil: null, lastUsedAt: null, replacedBy: null, replaces: null, rateLimit: null, ...over,
  };
}

describe('keyBreaches', () => {
  const days = (n: number) => ({ seconds: n * 86_400, text: `${n}d` });
  const policy: KeyPolicy = { maxAge: days(90), expiringWithin: days(7), unusedFor: days(30) };
  it.each([
    ['a fresh key', {}, policy, []],
    ['91 days old, used yesterday', { createdAt: NOW - 91 * DAY, lastUsedAt: NOW - DAY }, policy, ['max-age']],
    ['exactly 90 days old', { createdAt: NOW - 90 * DAY, lastUsedAt: NOW }, policy, []],
    ['expiring in 3 days', { expiresAt: NOW + 3 * DAY }, policy, ['expiring-within']],
    ['expiring in 8 days', { expiresAt: NOW + 8 * DAY }, policy, []],
    ['never used, 40 days old', { createdAt: NOW - 40 * DAY }, policy, ['unused-for']],
    ['used 31 days ago', { createdAt: NOW - 60 * DAY, lastUsedAt: NOW - 31 * DAY }, policy, ['unused-for']],
    ['used 29 days ago', { createdAt: NOW - 60 * DAY, lastUsedAt: NOW - 29 * DAY }, policy, []],
    ['old, unused and expiring', { createdAt: NOW - 100 * DAY, expiresAt: NOW + DAY }, policy, ['max-age', 'expiring-within', 'unused-for']],
    ['expiring soon with the rule off', { expiresAt: NOW + DAY }, { maxAge: policy.maxAge }, []],
    ['never used with the rule off', { createdAt: NOW - 40 * DAY }, { maxAge: policy.maxAge }, []],
    ['old but revoked', { createdAt: NOW - 100 * DAY, state: 'revoked' }, policy, []],
    ['old but rotated', { createdAt: NOW - 100 * DAY, state: 'rotated' }, policy, []],
    ['old but expired', { createdAt: NOW - 100 * DAY, expiresAt: NOW - DAY }, policy, []],
  ] as const)('%s → %j', (_name, over, p, rules) => {
    expect(keyBreaches(record(over), p, NOW).map((b) => b.rule)).toEqual(rules);
  });
  it('says why, with the limit as the user writes it', () => {
    expect(keyBreaches(record({ createdAt: NOW - 120 * DAY - 5000 }), policy, NOW)).toContainEqual({
      rule: 'max-age', limit: '90d', detail: 'created 120d ago',
    });
  });
  it.each([[3 * 86_400 + 5, '3d'], [7200, '2h'], [125, '2m'], [9, '9s'], [-4, '0s']])('roughDuration(%d) → %s', (s, text) => {
    expect(roughDuration(s)).toBe(text);
  });
});

describe('parseRawDiff', () => {
  const oid = 'a'.repeat(40);
  const zero = '0'.repeat(40);
  it('keeps regular files, drops links, submodules and empty oids', () => {
    const raw = [
      `:000000 100644 ${zero} ${oid} A`, 'a file.txt',
      `:100644 100755 ${oid} ${oid} M`, 'bin/run',
      `:000000 120000 ${zero} ${oid} A`, 'link',
      `:000000 160000 ${zero} ${oid} A`, 'vendor/sub',
      `:000000 100644 ${zero} ${zero} A`, 'intent-to-add',
      '',
    ].join('\0');
    expect(parseRawDiff(raw)).toEqual([{ oid, path: 'a file.txt' }, { oid, path: 'bin/run' }]);
  });
});
