import { userInfo } from 'node:os';
import postgres from 'postgres';
import { maskDbUrl } from '../../core/db-url.js';
import { UsageError } from '../../core/errors.js';

/*
 * How octo connects to a PostgreSQL keystore: the URL taken apart here (so the driver never sees,
 * and never echoes, the URL with its password), the timeouts, and the types octo reads back.
 */

export type Sql = postgres.Sql<Record<string, never>>;
export type TxSql = postgres.TransactionSql<Record<string, never>>;
/** The pool or a transaction's connection: what a repository queries through. */
export type Querier = Sql | TxSql;

/** Seconds to wait for a connection before calling the keystore unreachable (OCTO_PG_CONNECT_TIMEOUT). */
export const DEFAULT_CONNECT_TIMEOUT_S = 5;
/** A statement running longer is cancelled: a CLI blocked on a stuck server still ends. */
export const STATEMENT_TIMEOUT_MS = 30_000;
/** Waiting for a row lock or the writers' lock, like SQLite's busy timeout (SPEC §2). */
export const LOCK_TIMEOUT_MS = 10_000;

export interface PgTarget {
  /** The URL as it may be shown (maskDbUrl): what every message names. */
  location: string;
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** A Unix socket folder (`?host=/path`), else null for TCP. */
  socketDir: string | null;
  ssl: boolean | 'require' | 'prefer' | 'verify-full';
}

/**
 * `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=…&host=/socket/dir]`. A URL that cannot be
 * parsed is a usage error naming it masked.
 */
export function parsePgUrl(url: string, env: NodeJS.ProcessEnv = process.env): PgTarget {
  const location = maskDbUrl(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${location} is not a valid PostgreSQL URL`, 'write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE (percent-encode @, : and / in the password)');
  }
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const hostParam = u.searchParams.get('host');
  const sslmode = u.searchParams.get('sslmode');
  // As libpq: the URL's user, else PGUSER, else the OS user.
  const user = decode(u.username) || env.PGUSER || osUser();
  return {
    location,
    host: decode(u.hostname).replace(/^\[|\]$/g, '') || 'localhost',
    port: u.port ? Number(u.port) : 5432,
    database: decode(u.pathname.replace(/^\//, '')) || user,
    user,
    password: decode(u.password),
    socketDir: hostParam && hostParam.startsWith('/') ? hostParam : null,
    ssl: sslmode === null || sslmode === 'disable' ? false
      : sslmode === 'verify-full' || sslmode === 'verify-ca' ? 'verify-full'
        : sslmode === 'prefer' || sslmode === 'allow' ? 'prefer' : 'require',
  };
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'postgres';
  }
}

/** "HOST:PORT", or the socket, as messages name the server. */
export function serverName(t: PgTarget): string {
  return t.socketDir ? `${t.socketDir}/.s.PGSQL.${t.port}` : `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}

export function connectTimeoutS(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.OCTO_PG_CONNECT_TIMEOUT;
  if (raw === undefined || raw === '') return DEFAULT_CONNECT_TIMEOUT_S;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`OCTO_PG_CONNECT_TIMEOUT=${raw} is not a number of seconds`, 'set it to a positive number of seconds, e.g. OCTO_PG_CONNECT_TIMEOUT=5, or unset it (default 5)');
  }
  return n;
}

/**
 * A pool of connections to the keystore. int8 (times, counts) is read as a JS number: octo's
 * times are epoch milliseconds, far below 2^53. Notices (e.g. "relation already exists, skipping")
 * are the server's chatter, never octo's output.
 */
export function connect(t: PgTarget, opts: { max?: number; env?: NodeJS.ProcessEnv } = {}): Sql {
  return postgres({
    host: t.socketDir ?? t.host,
    port: t.port,
    database: t.database,
    username: t.user,
    password: t.password,
    ssl: t.ssl,
    max: opts.max ?? 4,
    connect_timeout: connectTimeoutS(opts.env),
    // A CLI ends when its work does; `serve` keeps its connections while requests come.
    idle_timeout: 30,
    // The driver's default waits up to 20 s between attempts to reconnect once the server has
    // refused a few, and a query queued meanwhile waits with it: a verifier would hold requests
    // instead of answering 503 (fail closed, SPEC §11), and would come back late. A few attempts a
    // second against a server that is down cost it nothing.
    backoff: (retries: number) => Math.min(0.025 * 2 ** retries, 0.25),
    fetch_types: false,
    prepare: true,
    onnotice: () => {},
    types: { int8: { to: 20, from: [20], parse: (x: string) => Number(x), serialize: (x: number) => String(x) } },
    connection: {
      application_name: 'octo',
      statement_timeout: STATEMENT_TIMEOUT_MS,
      lock_timeout: LOCK_TIMEOUT_MS,
    },
  }) as unknown as Sql;
}
