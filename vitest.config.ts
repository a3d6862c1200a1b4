import { defineConfig } from 'vitest/config';
import { pgSource } from './test/setup/postgres-env.js';

/*
 * Two projects, one per keystore backend. `sqlite` runs every test. `postgres` runs again the tests
 * whose subject does not depend on the backend (commands, the verifier, webhooks, races), each
 * sandbox on a fresh PostgreSQL database (test/helpers/cli.ts), so that both backends are held to
 * the same JSON, exit codes and errors. Tests about the file itself (its modes, -wal, faults
 * injected into SQLite) stay in `sqlite` alone; test/store/pg-*.test.ts are PostgreSQL's own.
 */
const backendIndependent = [
  'test/e2e/audit-history.test.ts',
  'test/e2e/dashboard.test.ts',
  'test/e2e/hints.test.ts',
  'test/e2e/interface.test.ts',
  'test/e2e/key-refs.test.ts',
  'test/e2e/keys-lifecycle.test.ts',
  'test/e2e/output-formats.test.ts',
  'test/e2e/races.test.ts',
  'test/e2e/serve-standard-webhooks.test.ts',
  'test/e2e/serve-webhooks.test.ts',
  'test/e2e/subject-names.test.ts',
  'test/e2e/subject-rename-remove.test.ts',
  'test/e2e/subjects.test.ts',
  'test/e2e/verify.test.ts',
  'test/cli/check.test.ts',
  'test/cli/webhooks.test.ts',
  'test/cli/webhooks-standard.test.ts',
  'test/server/serve.test.ts',
  'test/e2e/fixtures.test.ts',
  'test/e2e/twin-cli.test.ts',
];

const pg = pgSource();
if (pg.kind === 'none') {
  if (process.env.CI === 'true') throw new Error(`CI=true, but the PostgreSQL tests cannot run: ${pg.why}`);
  console.warn(`\nPostgreSQL tests skipped: ${pg.why}\n`);
}

export default defineConfig({
  test: {
    // e2e tests spawn node processes; two cores, so keep parallelism modest
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ['test/setup/postgres.ts'],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'], env: { OCTO_TEST_BACKEND: 'sqlite' } } },
      ...(pg.kind === 'none' ? [] : [{
        extends: true,
        test: { name: 'postgres', include: backendIndependent, env: { OCTO_TEST_BACKEND: 'postgres' } },
      }]),
    ],
  },
});
