import { describe } from 'vitest';
import { PostgresKeystore } from '../../src/store/postgres/keystore.js';
import { skipPg, usePostgres } from '../helpers/pg.js';
import { keystoreContract } from './keystore-contract.js';

/* The repositories on PostgreSQL, each test on a new database; the same contract SQLite is to meet. */
describe.skipIf(skipPg)('PostgreSQL keystore: the repositories', () => {
  const pg = usePostgres();
  keystoreContract('postgres', async () => PostgresKeystore.open(await pg.fresh()));
});
