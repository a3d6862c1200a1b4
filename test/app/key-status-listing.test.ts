import { afterAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey, listKeys, rotateKey } from '../../src/app/keys.js';
import { Sandbox } from '../helpers/cli.js';
import { collect } from '../helpers/collect.js';

/**
 * `keys list --status` filters by the status the one acceptance rule derives, which is not always
 * the stored state: a rotated key whose expiry came inside its grace is `expired`.
 */
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

describe('keys list --status and the acceptance rule', () => {
  it('lists a rotated key that expired inside its grace as expired, not rotated', async () => {
    let now = T0;
    const ctx = new AppContext(sandbox.env, undefined, () => now);
    try {
      const old = (await createKey(ctx, { kind: 'bearer', name: 'short', expiresInSeconds: 86_400 })).key;
      now = T0 + 0.5 * DAY; // the successor lives a day from here; the old key's grace runs two
      const successor = (await rotateKey(ctx, old.id, 2 * 86_400)).key;
      now = T0 + 1.2 * DAY;
      const ids = async (status: 'active' | 'rotated' | 'expired') => (await collect(listKeys(ctx, { status }))).map((k) => k.id);
      expect(await ids('expired')).toEqual([old.id]);
      expect(await ids('rotated')).toEqual([]);
      expect(await ids('active')).toEqual([successor.id]);
      // Past its grace it is rotated again: its successor is what to move to.
      now = T0 + 3 * DAY;
      expect(await ids('rotated')).toEqual([old.id]);
      expect(await ids('expired')).toEqual([successor.id]);
    } finally {
      ctx.close();
    }
  });
});
