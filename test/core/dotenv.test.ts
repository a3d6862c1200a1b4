import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isEnvName, setEnvVar } from '../../src/core/dotenv.js';

describe('setEnvVar', () => {
  it.each([
    ['an empty file', '', 'K=v\n', 'added'],
    ['a file without a final line break', 'A=1', 'A=1\nK=v\n', 'added'],
    ['K in place, other lines kept', '# c\nK=old\nB=2\n', '# c\nK=v\nB=2\n', 'updated'],
    ['export and spacing kept', 'export K = old\n', 'export K = v\n', 'updated'],
    ['indented', '  K=old\n', '  K=v\n', 'updated'],
    ['a later duplicate removed', 'K=1\nA=2\nK=3\n', 'K=v\nA=2\n', 'updated'],
    ['a quoted value over lines replaced whole', 'K="a\nb\nc"\nA=1\n', 'K=v\nA=1\n', 'updated'],
    ['a single-quoted value on one line', "K='a b'\nA=1\n", 'K=v\nA=1\n', 'updated'],
    ['an escaped quote does not close', 'K="a\\"\nb"\nA=1\n', 'K=v\nA=1\n', 'updated'],
    ['a name that only starts like K', 'KEY=1\n', 'KEY=1\nK=v\n', 'added'],
    ['a comment naming K', '# K=old\n', '# K=old\nK=v\n', 'added'],
    ['CRLF kept', 'A=1\r\nK=o\r\n', 'A=1\r\nK=v\r\n', 'updated'],
  ])('%s', (_, before, after, change) => {
    expect(setEnvVar(before, 'K', 'v')).toEqual({ text: after, change });
  });

  it.each([
    ['oct_live_Ab3x9Kq2', 'oct_live_Ab3x9Kq2'],
    ['with space', 'with space'],
    ['a#b', 'a#b'],
    ['$HOME', '$HOME'],
  ])('%j reads back as written', (value, read) => {
    expect(parseEnv(setEnvVar('A=1\n', 'K', value).text)).toEqual({ A: '1', K: read });
  });

  it('refuses what it cannot write faithfully', () => {
    expect(() => setEnvVar('', 'K', "it's\nthere")).toThrow();
    expect(() => setEnvVar('', 'K.*', 'v')).toThrow();
  });

  it.each([['SMS_KEY', true], ['_x1', true], ['1X', false], ['MY-KEY', false], ['', false], ['A B', false]])('isEnvName(%j) = %s', (name, ok) => {
    expect(isEnvName(name)).toBe(ok);
  });
});
