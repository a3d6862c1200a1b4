import type { ChangeFeed } from './changes.js';
import { STATEMENT_TIMEOUT_MS, type PgTarget, type Querier, type Sql, type TxSql } from './connect.js';
import { storeError } from './errors.js';
import { LOCK_CLASS, WRITERS_LOCK } from './schema.js';
import { TransactionScope } from '../transaction-scope.js';

/** How long a backup, or a listing read slowly (`octo keys list | less`), may keep its cursor open. */
const BACKUP_TIMEOUT_MS = 10 * 60_000;
const STREAM_TIMEOUT_MS = BACKUP_TIMEOUT_MS;

/** The transaction a call runs in: its connection, and whether it changed what verifiers decide on. */
interface Tx {
  sql: TxSql;
  root: { bumps: boolean };
}

/**
 * What the repositories share: the pool, and the transaction the current async call chain runs in
 * (a TransactionScope per keystore), so that `store.keys.revoke()` called inside
 * `store.transaction(fn)` runs on that transaction's connection without being handed it.
 */
export class PgContext {
  private readonly scope = new TransactionScope<Tx>();

  constructor(readonly sql: Sql, readonly target: PgTarget, readonly changes: ChangeFeed) {}

  /** The connection for a read: the current transaction's, else the pool. */
  get q(): Querier {
    return this.scope.current?.sql ?? this.sql;
  }

  /** A positional-parameter statement, prepared once per connection. */
  rows<T>(text: string, args: unknown[] = []): Promise<T[]> {
    return this.q.unsafe<T[]>(text, args as never[], { prepare: true }) as unknown as Promise<T[]>;
  }

  /**
   * A streamed read (a cursor) for a reader that may take its time: in the current transaction,
   * else on a connection of its own whose statement timeout is STREAM_TIMEOUT_MS, since the
   * server counts the whole cursor as one statement however slowly the rows are taken.
   */
  async *stream<T>(text: string, args: unknown[], rows: number): AsyncIterable<T[]> {
    const tx = this.scope.current;
    if (tx) {
      yield* tx.sql.unsafe<T[]>(text, args as never[], { prepare: true }).cursor(rows) as AsyncIterable<T[]>;
      return;
    }
    const conn = await this.sql.reserve();
    try {
      await conn.unsafe(`SET statement_timeout = ${STREAM_TIMEOUT_MS}`);
      yield* conn.unsafe<T[]>(text, args as never[], { prepare: true }).cursor(rows) as AsyncIterable<T[]>;
    } finally {
      await conn.unsafe(`SET statement_timeout = ${STATEMENT_TIMEOUT_MS}`).catch(() => {});
      conn.release();
    }
  }

  /**
   * A write: in the current transaction, else in one of its own (which takes the writers' lock,
   * like every octo write). `bumps`: it changes what a verifier decides on (keys, subjects,
   * webhooks), so the transaction bumps the change counter.
   */
  write<T>(bumps: boolean, fn: () => Promise<T>): Promise<T> {
    const tx = this.scope.current;
    if (tx) {
      if (bumps) tx.root.bumps = true;
      return fn();
    }
    return this.transaction(() => {
      if (bumps) this.scope.current!.root.bumps = true;
      return fn();
    });
  }

  /**
   * One write transaction. Writers queue on one advisory lock taken first, as SQLite's BEGIN
   * IMMEDIATE makes them: what `fn` reads stays true until it commits. A nested call is a
   * savepoint, as better-sqlite3's nested transactions are. After a commit that bumped the
   * counter, waits for the verifiers (ChangeFeed.awaitApplied).
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const outer = this.scope.current;
    if (outer) {
      return (await outer.sql.savepoint((sp) => this.scope.run({ sql: sp, root: outer.root }, fn))) as T;
    }
    const root = { bumps: false, version: null as number | null };
    let result: T;
    try {
      result = (await this.sql.begin(async (tx) => {
        await tx.unsafe('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, WRITERS_LOCK] as never[], { prepare: true });
        const value = await this.scope.run({ sql: tx, root }, fn);
        if (root.bumps) root.version = await this.changes.bump(tx);
        return value;
      })) as T;
    } catch (err) {
      throw storeError(err, this.target);
    }
    if (root.version !== null) await this.changes.awaitApplied(root.version);
    return result;
  }

  /**
   * A read-only transaction over one snapshot (a backup). Its cursor reads a whole keystore, which
   * may take longer than one statement may: the limit here is BACKUP_TIMEOUT_MS.
   */
  async snapshot<T>(fn: (tx: TxSql) => Promise<T>): Promise<T> {
    try {
      return (await this.sql.begin('isolation level repeatable read read only', async (tx) => {
        await tx.unsafe(`SET LOCAL statement_timeout = ${BACKUP_TIMEOUT_MS}`);
        return fn(tx);
      })) as T;
    } catch (err) {
      throw storeError(err, this.target);
    }
  }
}
