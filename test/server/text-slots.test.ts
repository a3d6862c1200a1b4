import { describe, expect, it } from 'vitest';
import { TextSlots } from '../../src/server/text-slots.js';

describe('TextSlots', () => {
  it('gives back every string as it was set, whether it fits its slot as bytes or not', () => {
    const slots = new TextSlots(4, 8);
    const cases = [
      '', 'abc', '12345678', // ASCII up to a full slot
      '123456789', // one byte too many
      'abcdé', 'abcdefé', // é is 2 bytes: 7 and 9 bytes
      'ab😀cd', 'abcde😀', // the emoji is 4 bytes (2 UTF-16 units): 8 and 9 bytes
      '€€', '€€€', // 3 bytes each: 6 and 9
    ];
    for (const text of cases) {
      slots.set(1, text);
      expect(slots.get(1)).toBe(text);
    }
  });

  it('gives back longer strings too, copied by the loop or by Buffer#write, up to a full slot and past it', () => {
    const slots = new TextSlots(4, 64);
    const a = (n: number) => 'a'.repeat(n);
    const cases = [
      a(31), a(32), a(33), a(63), a(64), a(65), // ASCII on either side of the loop's bound and the slot's size
      a(30) + 'é', a(31) + 'é', a(62) + 'é', a(61) + '😀', a(60) + '😀', // 2 or 4 bytes at the end: 32, 33, 64, 65, 64 bytes
      `{"destination_phone":"+15551234567","body":"Hello from Octopods."}`,
    ];
    for (const text of cases) {
      slots.set(2, text);
      expect(slots.get(2)).toBe(text);
      expect(slots.get(1)).toBeUndefined();
    }
  });

  it('keeps each slot apart, and a short string replaces a long one', () => {
    const slots = new TextSlots(3, 4);
    slots.set(0, 'a much longer string');
    slots.set(1, 'bbbb');
    slots.set(2, 'cc');
    expect([slots.get(0), slots.get(1), slots.get(2)]).toEqual(['a much longer string', 'bbbb', 'cc']);
    slots.set(0, 'aa');
    expect(slots.get(0)).toBe('aa');
    expect(slots.get(1)).toBe('bbbb');
  });

  it('has nothing in a slot never set, or after clear()', () => {
    const slots = new TextSlots(2, 4);
    expect(slots.get(0)).toBeUndefined();
    slots.set(0, 'x');
    slots.set(1, 'a longer one');
    slots.clear();
    expect([slots.get(0), slots.get(1)]).toEqual([undefined, undefined]);
  });
});
