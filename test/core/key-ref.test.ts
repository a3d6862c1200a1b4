import { describe, expect, it } from 'vitest';
import { maskKeysIn } from '../../src/core/find-keys.js';
import { generateKey, maskKey } from '../../src/core/key-format.js';
import { parseKeyRef } from '../../src/core/key-ref.js';

const live = generateKey('oct_live_');
const ws = generateKey('octo_ws_');
const wh = generateKey('octo_wh_');
const typo = live.slice(0, -1) + (live.endsWith('A') ? 'B' : 'A');

describe('parseKeyRef: what a KEY_ID argument holds', () => {
  it.each([
    ['an id', 'key_4fQx9', { type: 'id', id: 'key_4fQx9' }],
    ['a prefix of an id', 'key_4', { type: 'id', id: 'key_4' }],
    ['the start of "key_"', 'ke', { type: 'id', id: 'ke' }],
    ['an id with spaces around', '  key_4fQ\n', { type: 'id', id: 'key_4fQ' }],
    ['a whole bearer key', live, { type: 'key', key: live, info: { kind: 'bearer', env: 'live' } }],
    ['a whole workspace key', ws, { type: 'key', key: ws, info: { kind: 'workspace' } }],
    ['"Bearer <key>"', `Bearer ${live}`, { type: 'key', key: live }],
    ['"bearer  <key>" (any case, any spaces)', `bearer  ${live}`, { type: 'key', key: live }],
    ['an Authorization header line', `Authorization: Bearer ${live}`, { type: 'key', key: live }],
    ['an X-Octopods-Auth header line', `x-octopods-auth:${ws}`, { type: 'key', key: ws }],
    ['a webhook signing secret', wh, { type: 'webhook_secret', masked: maskKey(wh) }],
    ['a key with a broken checksum', typo, { type: 'malformed', problem: 'checksum', masked: maskKey(typo), length: 38 }],
    ['a key cut short', live.slice(0, -2), { type: 'malformed', problem: 'length', length: 36 }],
    ['a prefix alone', 'oct_live_', { type: 'malformed', problem: 'length', masked: 'oct_live_…', length: 0 }],
    ['a name', 'CI pipeline', { type: 'other', value: 'CI pipeline', shown: '"CI pipeline"' }],
    ['another system\'s secret', `sk_live_${'a'.repeat(40)}`, { type: 'other', shown: '"sk_l…aaaa" (48 characters)' }],
    ['nothing', '', { type: 'other', shown: '""' }],
    ['an id of another kind', 'ws_4fQx9', { type: 'other' }],
  ])('%s', (_name, text, expected) => {
    expect(parseKeyRef(text)).toMatchObject(expected);
  });

  it('keeps a key-shaped value that is not a key only masked (only a found key is carried whole, to hash it)', () => {
    for (const text of [typo, live.slice(0, -2), wh, `Bearer ${typo}`]) {
      expect(JSON.stringify(parseKeyRef(text))).not.toContain(text.slice(-30));
    }
  });
});

describe('maskKeysIn', () => {
  it.each([
    ['a key', `no key with id "${live}"`, `no key with id "${maskKey(live)}"`],
    ['a key with a broken checksum', `x ${typo} y`, `x ${maskKey(typo)} y`],
    ['a key inside a longer token', `X${ws}Z`, `X${maskKey(ws)}Z`],
    ['two keys', `${live},${wh}`, `${maskKey(live)},${maskKey(wh)}`],
    ['no key', 'octo_ws_ is a prefix', 'octo_ws_ is a prefix'],
  ])('masks %s', (_name, text, expected) => {
    expect(maskKeysIn(text)).toBe(expected);
  });
});
