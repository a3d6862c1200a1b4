import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { SqliteKeystore } from '../../src/store/sqlite/keystore.js';
import { keystoreContract } from './keystore-contract.js';

/* The keystore contract on SQLite, the same tests pg-keystore.test.ts runs on PostgreSQL. */
describe('SQLite keystore: the repositories', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octo-contract-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  keystoreContract('sqlite', async () => SqliteKeystore.open(join(dir, `k${n++}.db`)));
});
