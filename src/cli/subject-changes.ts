import type { Command } from 'commander';
import { planRemoval, removeSubject } from '../app/subject-removal.js';
import { PLURAL, renameSubject, SUBJECT_WORD as WORD, type Subject } from '../app/subjects.js';
import { keyView, toIso, type SubjectType } from '../core/model.js';
import { act, type Session } from './session.js';


const DEPENDANTS: Record<SubjectType, string> = {
  workspace: 'channels, WABAs or webhook endpoints, or ', waba: 'WhatsApp numbers, or ', channel: '',
};

/** A subject as `add`, `rename` and `remove` print it under --json (`{"workspace": {...}}`, ...). */
export function subjectView(s: Subject): Record<string, unknown> {
  const created_at = toIso(s.createdAt);
  if ('platform' in s) return { id: s.id, name: s.name, platform: s.platform, created_at };
  if ('type' in s) return { id: s.id, name: s.name, type: s.type, workspace: s.workspaceId, waba: s.wabaId, created_at };
  return { id: s.id, name: s.name, workspace: s.workspaceId, created_at };
}

/** `rename ID NEW` and `remove ID [--revoke-keys]` under `octo workspaces|wabas|channels`. */
export function registerSubjectChanges(group: Command, type: SubjectType, session: Session): void {
  const { out } = session;
  const plural = PLURAL[type];

  group.command('rename <id> <new-name>')
    .description(`rename a ${WORD[type]} (id, name or unique id prefix); its id stays`)
    .addHelpText('after', `\nExample:\n  $ octo ${plural} rename ${type === 'workspace' ? 'acme "Acme Corp"' : type === 'waba' ? 'acme-waba "Acme WhatsApp"' : 'sms1 "Support line (EU)"'}`)
    .action(act(session, async (ref: string, name: string) => {
      const { subject, previousName } = await renameSubject(session.ctx, type, ref, name);
      if (out.json) return out.document({ [type]: subjectView(subject) });
      out.info(out.e.green('✔ ') + (previousName === subject.name
        ? `The ${WORD[type]} ${subject.id} is already named "${subject.name}".`
        : `Renamed the ${WORD[type]} "${previousName}" to ${out.e.bold(`"${subject.name}"`)} (${subject.id}).`));
    }));

  group.command('remove <id>')
    .description(`remove a ${WORD[type]}; refused while it has ${DEPENDANTS[type]}keys still accepted (asks to confirm on a terminal unless --yes)`)
    .option('--revoke-keys', `revoke the ${WORD[type]}'s keys that are still accepted, then remove it`)
    .addHelpText('after', `
Nothing is deleted: the ${WORD[type]} stays in the keystore as removed (its id and name stay taken),
so its keys (revoked) and their audit history stay readable.

Example:
  $ octo ${plural} remove ${type === 'workspace' ? 'acme' : type === 'waba' ? 'acme-waba' : 'sms1'} --revoke-keys --yes`)
    .action(act(session, async (ref: string, opts: Record<string, unknown>) => {
      const revokeKeys = opts.revokeKeys === true;
      const plan = await planRemoval(session.ctx, type, ref, revokeKeys);
      const { id, name } = plan.subject;
      const keys = plan.keys.map((k) => k.id).join(', ');
      const ok = await session.prompt.confirm(
        `Remove the ${WORD[type]} "${name}" (${id})?` + (keys ? ` Its keys ${keys} are revoked: integrations using them stop working at once.` : ''),
        session.yes, `octo ${plural} remove ${id}${revokeKeys ? ' --revoke-keys' : ''}`);
      if (!ok) {
        out.info('Nothing removed.');
        session.exitCode = 1;
        return;
      }
      const removed = await removeSubject(session.ctx, type, id, revokeKeys);
      const now = session.ctx.now();
      if (out.json) {
        return out.document({
          [type]: { ...subjectView(removed.subject), removed_at: toIso(removed.removedAt) },
          revoked: removed.revoked.map((k) => keyView(k, now)),
        });
      }
      const revoked = removed.revoked.map((k) => k.id).join(', ');
      out.info(out.e.green('✔ ') + `Removed the ${WORD[type]} "${name}" (${id})` + (revoked ? `; revoked ${revoked}.` : '.'));
    }));
}
