import type { Command } from 'commander';
import { COMPLETION_SOURCES, completionValues, type CompletionSource } from '../app/completion.js';
import { UsageError } from '../core/errors.js';
import { act, type Session } from './session.js';

/**
 * `octo __complete SOURCE [PREFIX]`: the ids (and subject names) a completion script offers, one
 * per line. Hidden: the scripts call it, people need not. Its own group, so that a Tab loads this
 * file and the keystore only.
 */
export function registerCompleteValues(program: Command, session: Session): void {
  program.command('__complete <source> [prefix]', { hidden: true })
    .description(`ids for shell completion: ${COMPLETION_SOURCES.join(', ')}`)
    .action(act(session, async (source: string, prefix: string | undefined) => {
      if (!(COMPLETION_SOURCES as readonly string[]).includes(source)) {
        throw new UsageError(`unknown completion source "${source}"`, `pass one of: ${COMPLETION_SOURCES.join(', ')}`);
      }
      const values = await completionValues(session.ctx, source as CompletionSource, prefix ?? '');
      if (session.out.json) return session.out.document({ values });
      for (const value of values) session.out.line(value);
    }));
}
