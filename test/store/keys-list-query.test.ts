import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KeyFilter } from '../../src/store/records.js';
import { KeysRepo, listQuery } from '../../src/store/sqlite/keys-repo.js';
import { openDatabase } from '../../src/store/sqlite/open.js';
import { collect } from '../helpers/collect.js';

/**
 * `keys list --limit 10` over a large keystore reads ten rows: in the default order, either
 * direction, SQLite walks index keys_created and stops, instead of sorting every key first.
 */
const dir = mkdtempSync(join(tmpdir(), 'octo-store-'));
const path = join(dir, 'k.db');
const db = openDatabase(path);
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const repo = new KeysRepo(db, path);
db.transaction(() => {
  for (let i = 0; i < 2000; i++) {
    repo.insert({
      id: `key_${String(i).padStart(6, '0')}`, kind: 'bearer', name: `key ${i}`, env: 'live', subjectType: null, subjectId: null,
      hash: Buffer.from(String(i).padStart(32, '0')), secretSealed: null, masked: 'oct_live_x…y', scopes: null, rateLimit: null,
      // Not in insertion order, so that rowid order cannot pass for created order.
      createdAt: 1_000_000 + ((i * 7919) % 2000), expiresAt: null, replaces: null,
    });
  }
})();

const plan = (filter: KeyFilter) => {
  const { sql, args } = listQuery(filter);
  return db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args).map((r) => (r as { detail: string }).detail).join('; ');
};

describe('keys list in SQL', () => {
  it.each([false, true])('the default order (descending: %s) walks an index, with no sort of its own', (descending) => {
    const p = plan({ sort: { by: 'created', descending }, limit: 10 });
    expect(p).toContain('keys_created');
    expect(p).not.toContain('TEMP B-TREE');
  });

  it('--limit returns the first N of the order', async () => {
    const created = async (filter: KeyFilter) => (await collect(repo.iterate(filter))).map((k) => k.createdAt);
    expect(await created({ limit: 3 })).toEqual([1_000_000, 1_000_001, 1_000_002]);
    expect(await created({ limit: 3, sort: { by: 'created', descending: true } })).toEqual([1_001_999, 1_001_998, 1_001_997]);
    expect(await created({})).toHaveLength(2000);
  });

  it('--name is a LIKE with its wildcards escaped', async () => {
    expect((await collect(repo.iterate({ nameContains: 'KEY 199', limit: 20 }))).map((k) => k.name).sort()).toEqual(
      ['key 199', 'key 1990', 'key 1991', 'key 1992', 'key 1993', 'key 1994', 'key 1995', 'key 1996', 'key 1997', 'key 1998', 'key 1999'],
    );
    expect(await collect(repo.iterate({ nameContains: 'key_' }))).toEqual([]);
  });
});
