import { afterAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey, listKeys, rotateKey } from '../../src/app/keys.js';
import { listAudit } from '../../src/app/audit.js';
import { Sandbox } from '../helpers/cli.js';
import { collect } from '../helpers/collect.js';

/**
 * The secret of a new key is handed to `keep` (the dotenv file of --dotenv) inside the transaction
 * that stores the key: when keeping it fails, no key exists that nobody holds.
 */
const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

describe('a secret that could not be kept leaves no key', () => {
  const ctx = new AppContext(sandbox.env);
  afterAll(() => ctx.close());
  const fail = () => { throw new Error('disk full'); };

  it('createKey: no key, no audit event', async () => {
    await expect(createKey(ctx, { kind: 'bearer', name: 'ci' }, fail)).rejects.toThrow('disk full');
    expect(await collect(listKeys(ctx, {}))).toEqual([]);
    expect(await listAudit(ctx, {})).toEqual([]);
  });

  it('rotateKey: the old key stays active, without a successor', async () => {
    let kept = '';
    const { key, secret } = await createKey(ctx, { kind: 'bearer', name: 'ci' }, (s) => { kept = s; });
    expect(kept).toBe(secret);
    await expect(rotateKey(ctx, key.id, 0, fail)).rejects.toThrow('disk full');
    expect((await collect(listKeys(ctx, {}))).map((k) => [k.id, k.status, k.replaced_by])).toEqual([[key.id, 'active', null]]);
    expect((await listAudit(ctx, {})).map((e) => e.action)).toEqual(['key.create']);
  });
});
