import type { Command } from 'commander';
import { RESOURCES } from '../core/scopes.js';
import { printTable } from '../ui/table.js';
import { addListingOptions } from './listing-options.js';
import { act, type Session } from './session.js';

export function registerScopes(program: Command, session: Session): void {
  const { out } = session;
  addListingOptions(program.command('scopes').description('the scope catalog for bearer keys')
    .command('list')
    .description('every scope, by resource (`admin` is full access)'))
    .action(act(session, async () => {
      const scopes = [
        ...RESOURCES.flatMap((r) => r.actions.map((a) => ({ scope: `${r.resource}:${a}`, resource: r.resource, action: a, source: r.source }))),
        { scope: 'admin', resource: '*', action: '*', source: 'Chatbot Platform' },
      ];
      if (out.json) return out.document({ scopes });
      if (out.quiet) return out.ids(scopes.map((s) => s.scope));
      await printTable(out, ['RESOURCE', 'READ', 'WRITE', { title: 'FROM', fit: 'wrap' }], [
        ...RESOURCES.map((r) => [r.resource, `${r.resource}:read`, r.actions.includes('write') ? `${r.resource}:write` : '—', r.source]),
        ['(everything)', 'admin', 'admin', 'Chatbot Platform'],
      ]);
      out.info('A key with no scopes, or with admin, has full access.');
    }));
}
