import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tailRequests, namedTwinServer } from '../../src/app/twin-client.js';
import type { JournalEntry } from '../../src/core/twin.js';
import { AdminRoutes } from '../../src/server/admin.js';
import { createHandler, type VerifierPort } from '../../src/server/handler.js';
import { listen, type RunningServer } from '../../src/server/http.js';
import { RequestJournal } from '../../src/server/journal.js';
import { Outbox } from '../../src/server/outbox.js';

/**
 * `octo requests tail`'s client over real HTTP, against the verifier's own admin routes and journal
 * in this process, so that the test decides what is journaled between two of the client's polls.
 */
const NO_KEYS: VerifierPort = {
  decide: () => { throw new Error('no API request in this test'); },
  dryRun: () => { throw new Error('no dry run in this test'); },
};

let journal: RequestJournal;
let server: RunningServer;

const journaled = (path: string, status: number) => journal.record({ method: 'GET', path, status, keyId: null, reason: 'not_found', code: 'not_found', extras: null, ms: 0.1 }, Date.now());

beforeEach(async () => {
  journal = new RequestJournal(100);
  const outbox = new Outbox(10);
  const admin = new AdminRoutes({ outbox, journal, token: null, reset: () => {} });
  server = await listen({ host: '127.0.0.1', port: 0, handler: createHandler({ verifier: NO_KEYS, now: Date.now, outbox, admin }), log: () => {}, onError: (err) => { throw err; } });
});

afterEach(async () => {
  journal.release();
  await server.close();
});

describe('tailRequests', () => {
  it('with a backlog of one, still follows every entry: two journaled before its next poll both come, in order', async () => {
    journaled('/v1/marker', 404);
    const stop = new AbortController();
    const seen: JournalEntry[] = [];
    const done = tailRequests(namedTwinServer(server.url, {})!, { limit: 1 }, 1, (entry) => {
      seen.push(entry);
      // While the client handles the backlog, before it polls again: two more at once.
      if (entry.path === '/v1/marker') {
        journaled('/v1/first', 404);
        journaled('/v1/second', 404);
      }
      if (seen.length === 3) stop.abort();
    }, stop.signal);
    // Should one never come, the list below says which.
    const giveUp = setTimeout(() => stop.abort(), 3_000);
    await done;
    clearTimeout(giveUp);
    expect(seen.map((e) => e.path)).toEqual(['/v1/marker', '/v1/first', '/v1/second']);
  });
});
