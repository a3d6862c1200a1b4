import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The seam between the use cases and the SQLite keystore: outside src/store nothing knows the
 * driver (its package, its error codes, its handle), and inside src/store only the SQLite backend
 * (src/store/sqlite/) does, reached through the one module that picks a backend. This is what
 * lets a second backend stand beside it (SPEC §11).
 */
const SRC = join(import.meta.dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

/** `file:line: text` for each line of `files` that matches. */
function hits(files: string[], pattern: RegExp): string[] {
  return files.flatMap((f) => readFileSync(f, 'utf8').split('\n').flatMap((line, i) =>
    pattern.test(line) ? [`${relative(SRC, f)}:${i + 1}: ${line.trim()}`] : []));
}

const all = sources(SRC);
const inside = (dir: string) => (f: string) => relative(SRC, f).startsWith(dir + '/');
const outsideStore = all.filter((f) => !inside('store')(f));
const storeNotSqlite = all.filter((f) => inside('store')(f) && !inside('store/sqlite')(f) && !inside('store/postgres')(f));

describe('the store seam', () => {
  it('finds the sources it checks', () => {
    expect(outsideStore.length).toBeGreaterThan(50);
    expect(storeNotSqlite.map((f) => relative(SRC, f))).toContain('store/keystore.ts');
  });

  it.each([
    ['the driver package', /better-sqlite3/],
    ['a driver error code', /SQLITE_/],
    // `opts.db` is the --db flag and `keystore.db` a file name; any other `.db` is the driver's handle
    ['the connection handle', /\.db\.\w|\b(?!opts\b|values\b|keystore\b)[A-Za-z_]\w*\.db\b/],
    ['the SQLite backend itself', /store\/sqlite\/|SqliteKeystore/],
  ])('nothing outside src/store names %s', (_what, pattern) => {
    expect(hits(outsideStore, pattern)).toEqual([]);
  });

  it('only src/store/postgres names the PostgreSQL driver, and only open-keystore.ts loads that backend (by dynamic import)', () => {
    const notPostgres = all.filter((f) => !inside('store/postgres')(f));
    expect(hits(notPostgres, /from 'postgres'|import\('postgres'\)/)).toEqual([]);
    expect(hits(notPostgres, /postgres\/keystore\.js/).map((h) => h.split(':')[0])).toEqual(['store/open-keystore.ts', 'store/open-keystore.ts']);
    expect(hits(notPostgres, /^import .*postgres\//)).toEqual([]);
  });

  it('the backend-neutral part of src/store names no driver, and only open-keystore.ts picks the backend', () => {
    expect(hits(storeNotSqlite, /better-sqlite3|SQLITE_/)).toEqual([]);
    expect(hits(storeNotSqlite, /from '\.\/sqlite\//).map((h) => h.split(':')[0])).toEqual(['store/open-keystore.ts', 'store/open-keystore.ts']);
  });
});
