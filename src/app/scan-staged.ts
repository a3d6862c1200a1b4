import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OctoError, UsageError } from '../core/errors.js';
import { MAX_FILE_BYTES, type FileSink } from './scan-sink.js';

/**
 * `octo keys scan --staged`: the blobs in the git index that differ from HEAD, exactly what the
 * next commit would record, whatever the work tree holds. Git's own environment is inherited, so a
 * pre-commit hook's GIT_INDEX_FILE (`git commit -a`, partial commits) is the index that is read.
 * Three git processes whatever the number of files: diff for the list, cat-file for sizes and bytes.
 */
const BATCH_BYTES = 32 * 1024 * 1024;

interface StagedBlob {
  oid: string;
  path: string;
}

export async function readStaged(cwd: string, pathspecs: string[], sink: FileSink): Promise<void> {
  const top = (await git(cwd, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
  const here = realpathSync(cwd);
  const shown = (path: string) => relative(here, join(top, path));
  const raw = await git(cwd, ['diff', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--diff-filter=ACM', '--', ...pathspecs]);
  const blobs = parseRawDiff(raw.toString('utf8'));
  if (blobs.length === 0) return;
  const sizes = await git(cwd, ['cat-file', '--batch-check'], blobs.map((b) => b.oid).join('\n') + '\n');
  const sizeLines = sizes.toString('utf8').split('\n');
  let batch: StagedBlob[] = [];
  let batchBytes = 0;
  for (const [i, blob] of blobs.entries()) {
    const size = Number(sizeLines[i]?.split(' ')[2] ?? NaN);
    if (!Number.isFinite(size)) sink.skip(shown(blob.path), 'unreadable');
    else if (size > MAX_FILE_BYTES) sink.skip(shown(blob.path), 'too_large', size);
    else {
      // Bytes are fetched in batches, so a commit of many large files never sits in memory whole.
      if (batchBytes + size > BATCH_BYTES && batch.length > 0) {
        await readBatch(cwd, batch, sink, shown);
        batch = [];
        batchBytes = 0;
      }
      batch.push(blob);
      batchBytes += size;
    }
  }
  if (batch.length > 0) await readBatch(cwd, batch, sink, shown);
}

/** `:old-mode new-mode old-oid new-oid status NUL path NUL`, repeated. Regular files only. */
export function parseRawDiff(raw: string): StagedBlob[] {
  const fields = raw.split('\0');
  const blobs: StagedBlob[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [, newMode, , oid] = fields[i]!.split(' ');
    // 100644 and 100755 are files; 120000 is a symbolic link, 160000 a submodule commit.
    if (newMode?.startsWith('100') && oid && !/^0+$/.test(oid)) blobs.push({ oid, path: fields[i + 1]! });
  }
  return blobs;
}

async function readBatch(cwd: string, batch: StagedBlob[], sink: FileSink, shown: (p: string) => string): Promise<void> {
  const out = await git(cwd, ['cat-file', '--batch'], batch.map((b) => b.oid).join('\n') + '\n');
  // Each object: `<oid> blob <size>\n<bytes>\n`, in the order asked.
  let pos = 0;
  for (const blob of batch) {
    const eol = out.indexOf(0x0a, pos);
    const header = out.toString('utf8', pos, eol).split(' ');
    if (eol < 0 || header[1] !== 'blob') {
      sink.skip(shown(blob.path), 'unreadable');
      pos = eol + 1;
      continue;
    }
    const size = Number(header[2]);
    sink.file(shown(blob.path), out.subarray(eol + 1, eol + 1 + size));
    pos = eol + 1 + size + 1;
  }
}

function git(cwd: string, args: string[], input = ''): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {}); // git may exit before reading all of it; its exit code says why
    child.on('error', (err) => {
      reject((err as { code?: string }).code === 'ENOENT'
        ? new OctoError('git_missing', '--staged needs git, and git is not on the PATH', { hint: 'install git, or scan folders instead: `octo keys scan .`' })
        : err);
    });
    child.on('close', (code) => {
      if (code === 0) return resolvePromise(Buffer.concat(chunks));
      if (/not a git repository/i.test(stderr)) {
        return reject(new UsageError(`--staged needs a git repository, and ${cwd} is not inside one`, 'run it inside a git work tree, or scan folders instead: `octo keys scan .`', 'not_a_git_repository'));
      }
      reject(new OctoError('git_failed', `git ${args[0]} failed: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`, { hint: 'run `git status` to see what git reports' }));
    });
    child.stdin.end(input);
  });
}
