import type { Command } from 'commander';
import { scanForKeys } from '../app/scan.js';
import { MAX_FILE_BYTES } from '../app/scan-sink.js';
import { ProgressLine } from '../ui/progress.js';
import { printScanReport } from '../ui/render-leaks.js';
import { act, type Session } from './session.js';

export function registerScan(keys: Command, session: Session): void {
  const { out } = session;
  keys.command('scan [paths...]')
    .description('find octo keys in files (or in what git has staged) and say which are still accepted')
    .option('--staged', 'scan the blobs staged in the current git repository (for a pre-commit hook)')
    .option('--fail-on-unknown', 'also exit 1 for a well-formed key this keystore does not hold (for CI, where the keystore is elsewhere)')
    .addHelpText('after', `
Skips .git, node_modules, files ignored by .gitignore, binary files and files over ${MAX_FILE_BYTES / 1024 / 1024} MiB.
Only strings with a valid checksum are reported; a key is never printed whole.

Examples:
  $ octo keys scan
  $ octo keys scan src config --json
  $ octo keys scan --staged            # in .git/hooks/pre-commit

Exit codes: 0 no key still accepted, 1 a key still accepted was found (active, or rotated and
inside its grace), 2 usage error (a path that does not exist, --staged outside a git repository).`)
    .action(act(session, async (paths: string[], opts: { staged?: boolean; failOnUnknown?: boolean }) => {
      const progress = new ProgressLine(out);
      const result = await scanForKeys(session.ctx, {
        paths,
        staged: opts.staged === true,
        onProgress: (s) => progress.update(() => `scanning… ${s.files} files, ${(s.bytes / 1024 / 1024).toFixed(1)} MiB`),
      }).finally(() => progress.done());
      const { findings, stats } = result;
      if (out.json) {
        out.document({ findings, scanned: { files: stats.files, bytes: stats.bytes, binary: stats.binary }, skipped: stats.skipped, keystore: result.keystore });
      } else {
        await printScanReport(out, result, session.ctx.dbLabel, MAX_FILE_BYTES / 1024 / 1024);
      }
      const failing = findings.some((f) => f.accepted || (opts.failOnUnknown === true && f.status === 'unknown'));
      if (failing) session.exitCode = 1;
    }));
}
