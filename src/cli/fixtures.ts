import type { Command } from 'commander';
import { stringify } from 'yaml';
import { applyFixtures, exportFixtures, planApply } from '../app/fixtures.js';
import { planSummary, type PlanItem } from '../core/fixture-plan.js';
import { act, type Session } from './session.js';
import { loadFixtures } from './fixtures-file.js';

/** `octo apply FILE|-` and `octo export` (SPEC §12). */
export function registerFixtures(program: Command, session: Session): void {
  const { out } = session;

  program.command('apply <file>')
    .description('apply a fixtures file (YAML or JSON; - for stdin): subjects, keys, webhooks')
    .option('--dry-run', 'print the plan (create / update / unchanged per object) and write nothing')
    .addHelpText('after', `
The file (see README "Testing your integration"):
  workspaces: [{id, name, platform}]         wabas: [{id, name, workspace}]
  channels:   [{id, name, workspace, type, waba?}]
  keys:       [{name, kind, workspace|channel|waba, secret?, env?, scopes?, rate_limit?, expires_in?}]
  webhooks:   [{name, url, workspace?, events?}]
Subjects are matched by id, keys by name, webhooks by URL and workspace. Applying the same file
again changes nothing; a changed name or scope list is updated; apply never deletes. A key without
\`secret\` gets a generated one, printed once ({"applied": {...}, "secrets": {"<name>": "…"}} with
--json). Every problem names file:line and the field; then nothing is written (exit 2).

Examples:
  $ octo apply fixtures.yaml --dry-run
  $ octo apply fixtures.yaml --json | jq -r .secrets.ci
  $ octo export | octo --db other/keystore.db apply -`)
    .action(act(session, async (file: string, opts: { dryRun?: boolean }) => {
      const fixtures = await loadFixtures(file);
      if (opts.dryRun) {
        const plan = await planApply(session.ctx, fixtures, { createNothing: true });
        if (out.json) return out.document({ plan: planSummary(plan.items) });
        for (const item of plan.items) out.line(planLine(item));
        return summaryNote(session, plan.items, true);
      }
      const result = await applyFixtures(session.ctx, fixtures);
      if (out.json) return out.document(result);
      const items = [...result.applied.created, ...result.applied.updated, ...result.applied.unchanged] as unknown as PlanItem[];
      for (const [action, list] of Object.entries(result.applied)) {
        for (const item of list as PlanItem[]) out.line(planLine({ ...item, action: action === 'created' ? 'create' : action === 'updated' ? 'update' : 'unchanged' }));
      }
      for (const [name, secret] of Object.entries(result.secrets)) out.line(`secret of key ${name}: ${secret}`);
      for (const [name, secret] of Object.entries(result.webhook_secrets)) out.line(`signing secret of webhook ${name}: ${secret}`);
      if (Object.keys(result.secrets).length) out.info('Generated secrets are shown only now: give keys a fixed `secret:` to hard-code them.');
      if (items.length && result.applied.created.length === 0 && result.applied.updated.length === 0) out.info(`Nothing to change: ${items.length} objects unchanged.`);
    }));

  program.command('export')
    .description('print the keystore as a fixtures file (no secrets)')
    .addHelpText('after', `
YAML, or JSON with --json. Keys without a name are named by their id; \`secret\` is left out, so
applying the file elsewhere generates new secrets (the keystore never holds a bearer key's).

Examples:
  $ octo export > fixtures.yaml
  $ octo export --json | octo --db copy/keystore.db apply -`)
    .action(act(session, async () => {
      const doc = await exportFixtures(session.ctx);
      if (out.json) return out.document(doc);
      out.text(stringify(doc, null, { lineWidth: 0 }));
    }));
}

function planLine(item: Pick<PlanItem, 'action' | 'type' | 'name' | 'changes'>): string {
  const word = { create: '+ create', update: '~ update', unchanged: '= unchanged' }[item.action];
  return `${word} ${item.type} ${item.name}${item.changes?.length ? ` (${item.changes.join(', ')})` : ''}`;
}

function summaryNote(session: Session, items: readonly PlanItem[], dryRun: boolean): void {
  const count = (a: PlanItem['action']) => items.filter((i) => i.action === a).length;
  session.out.info(`${dryRun ? 'Plan' : 'Applied'}: ${count('create')} to create, ${count('update')} to update, ${count('unchanged')} unchanged${dryRun ? ' (nothing written)' : ''}.`);
}
