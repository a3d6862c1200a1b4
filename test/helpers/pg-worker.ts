import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { UniqueViolation } from '../../src/store/errors.js';
import { PostgresKeystore } from '../../src/store/postgres/keystore.js';
import type { NewKey } from '../../src/store/records.js';

/*
 * One process racing others on a PostgreSQL keystore (test/store/pg-races.test.ts), or losing its
 * connection (test/store/pg-connection-loss.test.ts): opens the keystore, prints `ready`, waits for
 * `go` on stdin, does its one job and prints its outcome as a JSON line. `node pg-worker.mjs JOB URL ARGS…`.
 */

const [job, url, ...args] = process.argv.slice(2) as [string, string, ...string[]];

function key(over: Partial<NewKey>): NewKey {
  return {
    id: `key_${randomBytes(8).toString('hex')}`, kind: 'bearer', name: 'n', env: 'test', subjectType: null, subjectId: null,
    hash: randomBytes(32), secretSealed: null, masked: 'oct_…x', scopes: null, rateLimit: null,
    createdAt: Date.now(), expiresAt: null, replaces: null, ...over,
  };
}

const workspaceKey = (workspaceId: string, replaces: string | null = null) => key({
  kind: 'workspace', name: null, env: null, subjectType: 'workspace', subjectId: workspaceId, secretSealed: randomBytes(40), replaces,
});

async function waitForGo(): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === 'go') return;
}

/** A verifier: follows changes, then answers each `counter` line with its change counter, until stdin ends. */
async function follow(): Promise<unknown> {
  const store = await PostgresKeystore.open(url);
  await store.followChanges();
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === 'counter') process.stdout.write(`${JSON.stringify({ counter: store.changeCounter(), stamp: store.commitStamp() })}\n`);
  }
  await store.close();
  return { closed: true };
}

async function main(): Promise<unknown> {
  if (job === 'follow') return follow();
  const store = await PostgresKeystore.open(url);
  try {
    process.stdout.write('ready\n');
    await waitForGo();
    switch (job) {
      case 'open':
        return { version: (await store.summary()).schemaVersion };
      case 'create': {
        try {
          await store.transaction(async () => {
            await store.keys.insert(workspaceKey(args[0]!));
          });
          return { won: true };
        } catch (err) {
          if (err instanceof UniqueViolation) return { won: false, rule: err.rule };
          throw err;
        }
      }
      case 'rotate': {
        const old = args[0]!;
        return await store.transaction(async () => {
          if (!(await store.keys.retire(old, Date.now() + 60_000))) return { won: false };
          const next = workspaceKey(args[1]!, old);
          await store.keys.insert(next);
          await store.keys.linkSuccessor(old, next.id);
          return { won: true, id: next.id };
        });
      }
      case 'write': {
        const n = Number(args[0]);
        const ids: string[] = [];
        for (let i = 0; i < n; i++) {
          const k = key({ name: `w${process.pid}-${i}` });
          await store.transaction(async () => {
            await store.keys.insert(k);
            await store.audit.record({ at: Date.now(), actor: 'test', action: 'key.create', keyId: k.id, subjectType: null, subjectId: null, detail: null });
          });
          ids.push(k.id);
        }
        return { ids };
      }
      case 'hang': {
        // Half-way through a key's transaction, then never on: the test SIGKILLs it here.
        await store.transaction(async () => {
          await store.keys.insert(workspaceKey(args[0]!));
          process.stdout.write('inserted\n');
          await new Promise(() => {});
        });
        return {};
      }
      case 'lost-write': {
        // A write whose connection the test terminates while it waits for the writers' lock
        // (test/store/pg-connection-loss.test.ts): it must fail, and the process go on writing.
        let first: unknown;
        try {
          await store.keys.insert(key({ name: 'lost' }));
          first = { written: true };
        } catch (err) {
          first = { name: (err as Error).name, reason: (err as { reason?: string }).reason ?? null };
        }
        const next = key({ name: 'after' });
        await store.keys.insert(next);
        return { first, second: next.id };
      }
      default:
        throw new Error(`unknown job ${job}`);
    }
  } finally {
    await store.close();
  }
}

main().then(
  (out) => process.stdout.write(`${JSON.stringify(out)}\n`),
  (err: unknown) => {
    process.stdout.write(`${JSON.stringify({ error: (err as Error).message, code: (err as { code?: string }).code ?? null })}\n`);
    process.exitCode = 1;
  },
);
