import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeBase62, randomBase62 } from '../../src/core/base62.js';
import { crc32 } from '../../src/core/crc32.js';
import { checksumOf, generateKey, hashKey, maskKey, parseKey, PREFIXES } from '../../src/core/key-format.js';

describe('crc32', () => {
  it.each(['', 'a', 'oct_live_', 'octo_ws_0123456789abcdefghijABCDEFGHIJ01'])('matches zlib for %j', (text) => {
    expect(crc32(text)).toBe(zlibCrc32(Buffer.from(text, 'latin1')));
  });
  it('is the standard check value for "123456789"', () => expect(crc32('123456789')).toBe(0xcbf43926));
});

describe('base62', () => {
  it.each([
    [0, 6, '000000'],
    [61, 6, '00000z'],
    [62, 6, '000010'],
    [0xffffffff, 6, '4gfFC3'],
  ])('encodes %d as %s', (n, w, s) => expect(encodeBase62(n, w)).toBe(s));
  it('draws only base62 characters', () => expect(randomBase62(500)).toMatch(/^[0-9A-Za-z]{500}$/));
  it('draws fresh bytes each time its 4 KiB pool is used up, never the same ones again', () => {
    // 20,000 characters take about five pools: a pool drawn twice would repeat a whole run of them.
    const drawn = randomBase62(20_000);
    for (let i = 0; i + 24 <= drawn.length; i += 24) expect(drawn.indexOf(drawn.slice(i, i + 24), i + 1)).toBe(-1);
  });
});

describe('key format', () => {
  it.each(PREFIXES.map((p) => p.prefix))('generates a valid %s key', (prefix) => {
    const key = generateKey(prefix);
    expect(key).toMatch(new RegExp(`^${prefix}[0-9A-Za-z]{38}$`));
    const parsed = parseKey(key);
    expect(parsed.ok && parsed.info.prefix).toBe(prefix);
  });

  it('uses the checksum SPEC §3 fixes: base62 of CRC-32 over prefix and random part', () => {
    const body = 'oct_live_' + 'a'.repeat(32);
    const expected = zlibCrc32(Buffer.from(body)).toString();
    expect(checksumOf(body)).toHaveLength(6);
    // decode base62 back and compare with zlib
    const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    const decoded = [...checksumOf(body)].reduce((n, ch) => n * 62 + digits.indexOf(ch), 0);
    expect(String(decoded)).toBe(expected);
  });

  it.each([
    ['empty', '', 'format'],
    ['unknown prefix', 'oct_prod_' + 'a'.repeat(38), 'format'],
    ['too short', 'oct_live_' + 'a'.repeat(37), 'format'],
    ['too long', 'oct_live_' + 'a'.repeat(39), 'format'],
    ['bad character', 'oct_live_' + 'a'.repeat(37) + '-', 'format'],
    ['surrounding space', ' ' + generateKey('oct_live_'), 'format'],
  ])('refuses %s as a format problem', (_name, key, problem) => {
    expect(parseKey(key)).toEqual({ ok: false, problem });
  });

  it('tells a one-character typo apart by its checksum', () => {
    const key = generateKey('octo_ws_');
    const i = 12;
    const typo = key.slice(0, i) + (key[i] === 'a' ? 'b' : 'a') + key.slice(i + 1);
    expect(parseKey(typo)).toEqual({ ok: false, problem: 'checksum' });
  });

  it('masks as prefix, four characters, ellipsis, last four', () => {
    const key = 'oct_live_Ab3xQQQQQQQQQQQQQQQQQQQQQQQQQQQQ' + '009Kq2';
    expect(maskKey(key)).toBe('oct_live_Ab3x…9Kq2');
  });

  it('hashes the whole key with SHA-256', () => {
    expect(hashKey('x').toString('hex')).toBe('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
  });
});

describe('sha256', () => {
  it.each([0, 1, 3, 46, 47, 55, 56, 63, 64, 65, 119, 120, 200])('matches node:crypto for %d bytes', async (n) => {
    const { createHash } = await import('node:crypto');
    const { sha256 } = await import('../../src/core/sha256.js');
    const text = Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 7) % 90))).join('');
    expect(sha256(text).toString('hex')).toBe(createHash('sha256').update(text, 'latin1').digest('hex'));
  });
});
