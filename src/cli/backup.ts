import type { Command } from 'commander';
import { applyRestore, backup, backupFileExists, discardRestore, keystoreExists, planRestore, type BackupView } from '../app/backup.js';
import type { Output } from '../ui/output.js';
import { act, type Session } from './session.js';

export function registerBackup(program: Command, session: Session): void {
  const { out } = session;

  program.command('backup <file>')
    .description('a consistent, private (0600) copy of the keystore, safe while serve and other commands run')
    .addHelpText('after', `
Example:
  $ octo backup ~/octo-backups/keystore-$(date +%F).db

Workspace, channel and WABA keys in the backup are sealed with your master key: keep the master key
too ($OCTO_MASTER_KEY or ~/.config/octo/master.key). A backup restores usefully only with it.`)
    .action(act(session, async (file: string) => {
      let overwrite = false;
      if (backupFileExists(file)) {
        overwrite = await session.prompt.confirm(`${file} exists. Replace it with a new backup?`, session.yes, `octo backup ${file}`);
        if (!overwrite) return declined(session, 'No backup written.');
      }
      const done = await backup(session.ctx, file, overwrite);
      if (out.json) return out.document({ backup: done });
      out.info(out.e.green('✔ ') + `Backed up ${counted(done)} to ${done.file} (0600).`);
      masterKeyNote(out, done, 'backup');
    }));

  program.command('restore <file>')
    .description('replace the keystore with a backup (asks to confirm on a terminal unless --yes)')
    .addHelpText('after', `
Example:
  $ octo restore ~/octo-backups/keystore-2025-01-31.db --yes

The file is checked first (an octo keystore, a schema this octo understands, integrity) and left
untouched. Everything recorded since the backup was taken is replaced; the restore itself is
recorded in the audit log. Sealed keys open only with the master key of the backup.`)
    .action(act(session, async (file: string) => {
      const plan = await planRestore(session.ctx, file);
      try {
        if (keystoreExists(session.ctx)) {
          const ok = await session.prompt.confirm(
            `Replace the keystore ${session.ctx.dbLabel} with ${plan.view.file} (${plan.view.keys} keys)? Changes since that backup are lost.`,
            session.yes, `octo restore ${file}`,
          );
          if (!ok) return declined(session, 'Nothing restored.');
        }
        const done = await applyRestore(session.ctx, plan);
        if (out.json) return out.document({ restore: done });
        out.info(out.e.green('✔ ') + `Restored ${counted(done)} from ${done.file} into ${session.ctx.dbLabel}.`);
        masterKeyNote(out, done, 'restore');
      } finally {
        await discardRestore(plan);
      }
    }));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function counted(v: BackupView): string {
  return `${plural(v.keys, 'key')}, ${plural(v.subjects, 'subject')} and ${plural(v.audit_events, 'audit event')}`;
}

function declined(session: Session, message: string): void {
  session.out.info(message);
  session.exitCode = 1;
}

/** Sealed secrets open only with the master key they were sealed with: say where that stands. */
function masterKeyNote(out: Output, done: BackupView, verb: 'backup' | 'restore'): void {
  if (done.master_key === 'not_needed') return;
  const sealed = `${plural(done.sealed_secrets, 'sealed key')} (workspace, channel, WABA)`;
  if (done.master_key === 'matches') {
    out.info(verb === 'backup'
      ? `The ${sealed} in it open only with your master key: keep the master key as well as the backup.`
      : `The ${sealed} open with your current master key.`);
    return;
  }
  out.warn(`the ${sealed} open only with the master key of that keystore, which is ${done.master_key === 'missing' ? 'not configured here' : 'not your current one'}; ` +
    'set OCTO_MASTER_KEY (or ~/.config/octo/master.key) to it to copy them.');
}
