import { describe, expect, it } from 'vitest';
import { checkName } from '../../src/core/names.js';

describe('checkName: 1 to 200 printable characters, trimmed', () => {
  it.each([
    ['Acme', 'Acme'],
    ['  padded  ', 'padded'],
    ['👩‍💻 漢字 ＡＢＣ é', '👩‍💻 漢字 ＡＢＣ é'],
    ['x'.repeat(200), 'x'.repeat(200)],
  ])('accepts %j as %j', (name, kept) => {
    expect(checkName(name, 'key')).toBe(kept);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['x'.repeat(201), 'too long'],
    ['tab\there', 'a tab'],
    ['two\nlines', 'a line break'],
    ['\u001b[31mred\u001b[0m', 'an escape sequence'],
    ['del\u007f', 'DEL'],
    ['c1\u009b31m', 'a C1 control (CSI)'],
  ])('refuses %j (%s) as a usage error', (name) => {
    expect(() => checkName(name, 'key')).toThrow(expect.objectContaining({ code: 'usage', exitCode: 2 }));
  });
});
