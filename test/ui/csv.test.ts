import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../src/ui/csv.js';

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['=a,b', `"'=a,b"`],
    ['\x1b[32mactive\x1b[39m', 'active'],
    ['—', '—'],
    ['', ''],
  ])('%j → %j', (cell, written) => {
    expect(csvCell(cell)).toBe(written);
  });

  it('a record ends with CR (the line writer adds LF)', () => {
    expect(csvLine(['a', 'b,c'])).toBe('a,"b,c"\r');
  });
});
