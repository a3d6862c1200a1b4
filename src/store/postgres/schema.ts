import { OctoError } from '../../core/errors.js';
import { NotAKeystore } from '../errors.js';
import type { PgTarget, Querier, Sql } from './connect.js';
import { BASELINE, INITIAL_SQL, LATER, PG_SCHEMA_VERSION } from './migrations.js';

/** Advisory lock keys ('octo' as an int4, then what is locked): per database, never held across commits. */
export const LOCK_CLASS = 0x6f63746f;
export const MIGRATION_LOCK = 1;
/** Every octo write transaction holds this one, so writers queue as on SQLite (BEGIN IMMEDIATE). */
export const WRITERS_LOCK = 2;
/** Taken by each append to the local twin's tables, which numbers its records after the newest. */
export const TWIN_LOCK = 3;

interface SchemaState { version: number; foreign: boolean }

/**
 * What the database holds, in one statement, so that a racing first open (whose tables and marker
 * commit together) is never seen half-way: octo's marker and its version, or whether there are
 * tables of another program in the schema octo would use.
 */
async function readState(q: Querier): Promise<SchemaState> {
  const [row] = await q.unsafe<{ ours: boolean; has_tables: boolean }[]>(`
    SELECT to_regclass(quote_ident(current_schema()) || '.octo_schema') IS NOT NULL AS ours,
           EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')) AS has_tables`);
  if (!row!.ours) return { version: 0, foreign: row!.has_tables };
  const [v] = await q.unsafe<{ version: number }[]>('SELECT version FROM octo_schema');
  return { version: v?.version ?? 0, foreign: false };
}

function check(state: SchemaState, t: PgTarget): void {
  if (state.foreign) {
    throw new NotAKeystore(
      `${t.location} is a PostgreSQL database, but not an octo keystore`,
      'pass --db (or OCTO_DB) with the URL of your keystore; octo does not add its tables to another database',
    );
  }
  if (state.version > PG_SCHEMA_VERSION) {
    throw new OctoError(
      'keystore_too_new',
      `the keystore ${t.location} has schema version ${state.version}, newer than this octo understands (${PG_SCHEMA_VERSION})`,
      { hint: 'upgrade octo (npm install -g octo@latest); octo never downgrades a keystore' },
    );
  }
}

/**
 * Brings the database to this octo's schema: created on first use, migrated forward once. The
 * first of several processes opening a new database at once migrates under the migration lock;
 * the others wait for it, then find the work done. A database octo must refuse is left untouched.
 */
export async function migrate(sql: Sql, t: PgTarget): Promise<number> {
  const seen = await readState(sql);
  check(seen, t);
  if (seen.version === PG_SCHEMA_VERSION) return seen.version;
  return sql.begin(async (tx) => {
    await tx.unsafe('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK]);
    const state = await readState(tx);
    check(state, t);
    let version = state.version;
    if (version === 0) {
      await tx.unsafe(INITIAL_SQL);
      await tx.unsafe('INSERT INTO octo_schema (version) VALUES ($1)', [BASELINE]);
      version = BASELINE;
    }
    for (; version < PG_SCHEMA_VERSION; version++) {
      await tx.unsafe(LATER[version - BASELINE]!);
      await tx.unsafe('UPDATE octo_schema SET version = $1', [version + 1]);
    }
    return version;
  });
}

/** The schema version as it is (0: an empty database no command has set up), refusing what migrate refuses. */
export async function schemaAsIs(sql: Sql, t: PgTarget): Promise<number> {
  const state = await readState(sql);
  check(state, t);
  return state.version;
}
