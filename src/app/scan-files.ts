import { existsSync, type Dirent } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { UsageError } from '../core/errors.js';
import { MAX_FILE_BYTES, type FileSink } from './scan.js';

/**
 * The folder walk of `octo keys scan`: every regular file under the given paths, skipping `.git`
 * and `node_modules` anywhere, and whatever the `.gitignore` files of the tree (and of its git
 * work tree above it) ignore. Symbolic links are not followed, so a link loop cannot trap the walk.
 * Reads run at most CONCURRENCY at a time: enough to keep the disk busy, never 100,000 open files.
 */
const CONCURRENCY = 32;
const ALWAYS_SKIPPED = new Set(['.git', 'node_modules']);

/** The rules of one `.gitignore`, and the folder (ending in `/`) its patterns are relative to. */
interface IgnoreRules {
  base: string;
  ig: Ignore;
}

type Limit = <T>(task: () => Promise<T>) => Promise<T>;

export async function walkPaths(cwd: string, paths: string[], sink: FileSink): Promise<void> {
  const limit = limiter(CONCURRENCY);
  const roots = await Promise.all(paths.map(async (p) => ({ p, abs: resolve(cwd, p), st: await statRoot(resolve(cwd, p), p) })));
  for (const { p, abs, st } of roots) {
    // A file named on the command line is read even if ignored: the user asked for it.
    if (st.isFile()) await limit(() => readOne(abs, p, sink));
    else await walkDir(abs, p, await ancestorRules(abs), sink, limit);
  }
}

async function statRoot(abs: string, given: string) {
  try {
    const st = await stat(abs);
    if (st.isFile() || st.isDirectory()) return st;
  } catch {
    // reported below, with the path as the user wrote it
  }
  throw new UsageError(`no file or folder "${given}"`, 'pass files or folders that exist, e.g. `octo keys scan .`', 'path_not_found');
}

async function walkDir(abs: string, shown: string, rules: IgnoreRules[], sink: FileSink, limit: Limit): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await limit(() => readdir(abs, { withFileTypes: true }));
  } catch {
    return sink.skip(shown, 'unreadable');
  }
  if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
    const text = await limit(() => readFile(join(abs, '.gitignore'), 'utf8')).catch(() => null);
    if (text !== null) rules = [...rules, { base: abs + sep, ig: ignore().add(text) }];
  }
  const work: Promise<void>[] = [];
  for (const e of entries) {
    if (ALWAYS_SKIPPED.has(e.name)) continue;
    const childAbs = join(abs, e.name);
    const childShown = join(shown, e.name);
    if (e.isDirectory()) {
      if (!isIgnored(rules, childAbs, true)) work.push(walkDir(childAbs, childShown, rules, sink, limit));
    } else if (e.isFile() && !isIgnored(rules, childAbs, false)) {
      work.push(limit(() => readOne(childAbs, childShown, sink)));
    }
    // Symbolic links, sockets, FIFOs and devices are neither followed nor read.
  }
  await Promise.all(work);
}

/** The deepest `.gitignore` with an opinion wins, as in git: a sub-folder may re-include a file. */
function isIgnored(rules: IgnoreRules[], abs: string, isDir: boolean): boolean {
  for (let i = rules.length - 1; i >= 0; i--) {
    const { base, ig } = rules[i]!;
    const rel = abs.slice(base.length);
    const verdict = ig.test(isDir ? rel + '/' : rel);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

/**
 * Scanning a sub-folder of a git work tree still honours the `.gitignore` files above it, up to
 * the folder that holds `.git`. Outside a work tree, only the scanned tree's own files count.
 */
async function ancestorRules(dir: string): Promise<IgnoreRules[]> {
  if (existsSync(join(dir, '.git'))) return [];
  const above: string[] = [];
  for (let d = dirname(dir), prev = dir; d !== prev; prev = d, d = dirname(d)) {
    above.unshift(d);
    if (existsSync(join(d, '.git'))) {
      const rules: IgnoreRules[] = [];
      for (const folder of above) {
        const text = await readFile(join(folder, '.gitignore'), 'utf8').catch(() => null);
        if (text !== null) rules.push({ base: folder.endsWith(sep) ? folder : folder + sep, ig: ignore().add(text) });
      }
      return rules;
    }
  }
  return [];
}

/** One open, one stat, one read of the whole file into one buffer, one close. */
async function readOne(abs: string, shown: string, sink: FileSink): Promise<void> {
  let handle;
  try {
    handle = await open(abs, 'r');
    const { size } = await handle.stat();
    if (size > MAX_FILE_BYTES) return sink.skip(shown, 'too_large', size);
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    sink.file(shown, bytes.subarray(0, filled));
  } catch (err) {
    // A file deleted during the walk is simply gone; anything else is worth naming.
    if ((err as { code?: string }).code !== 'ENOENT') sink.skip(shown, 'unreadable');
  } finally {
    await handle?.close();
  }
}

/** At most `n` tasks at once; a finishing task hands its slot straight to the next in line. */
function limiter(n: number): Limit {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < n) active++;
    else await new Promise<void>((wake) => waiting.push(wake));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
