import { describe, expect, it } from 'vitest';
import { connect, parsePgUrl, type Sql } from '../../src/store/postgres/connect.js';
import { PgRateWindows } from '../../src/store/postgres/rate-windows.js';
import { skipPg, usePostgres } from '../helpers/pg.js';

/*
 * The rate-limit counters several verifiers share (SPEC §11). Their table is made by the first
 * verifier that counts, so verifiers started together race to make it.
 */
describe.skipIf(skipPg)('rate windows counted in PostgreSQL', () => {
  const pg = usePostgres();

  it('verifiers counting their first request at once all count it: none fails while another makes the table', async () => {
    const url = await pg.fresh();
    const verifiers: Sql[] = Array.from({ length: 4 }, () => connect(parsePgUrl(url), { max: 1 }));
    try {
      // The losers of the race get one of two errors, and the second only now and then: many rounds.
      for (let round = 0; round < 40; round++) {
        await verifiers[0]!.unsafe('DROP TABLE IF EXISTS octo_rate_windows');
        const counted = await Promise.allSettled(verifiers.map((sql) => new PgRateWindows(sql).add('key_first', 1, 60_000)));
        const failures = counted.flatMap((c) => (c.status === 'rejected' ? [String((c.reason as Error).message)] : []));
        expect(failures, `round ${round}`).toEqual([]);
        expect(counted.map((c) => (c as PromiseFulfilledResult<{ total: number }>).value.total).sort()).toEqual([1, 2, 3, 4]);
      }
    } finally {
      await Promise.all(verifiers.map((sql) => sql.end()));
    }
  }, 60_000);
});
