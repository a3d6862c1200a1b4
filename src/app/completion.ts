import type { AppContext } from './context.js';

export const COMPLETION_SOURCES = ['keys', 'workspaces', 'wabas', 'channels', 'webhooks'] as const;
export type CompletionSource = (typeof COMPLETION_SOURCES)[number];

/** Enough for a shell to show; a keystore of a million keys is not listed on a Tab. */
const LIMIT = 200;

/**
 * What a shell offers for a key, subject or webhook: ids (and the names of subjects, which commands
 * accept too), never a secret. Read only: where the default keystore does not exist yet there is
 * nothing to offer, and nothing is created.
 */
export async function completionValues(ctx: AppContext, source: CompletionSource, prefix: string): Promise<string[]> {
  if (!ctx.keystoreExists()) return [];
  const store = await ctx.keystore();
  switch (source) {
    case 'keys': return store.keys.idsWithPrefix(prefix, LIMIT);
    case 'webhooks': return store.webhooks.idsWithPrefix(prefix, {}, LIMIT);
    case 'workspaces': return idsAndNames(await store.subjects.listWorkspaces(), prefix);
    case 'wabas': return idsAndNames(await store.subjects.listWabas(), prefix);
    case 'channels': return idsAndNames(await store.subjects.listChannels(), prefix);
  }
}

function idsAndNames(subjects: { id: string; name: string }[], prefix: string): string[] {
  const values = new Set(subjects.flatMap((s) => [s.id, s.name]));
  return [...values].filter((v) => v.startsWith(prefix)).slice(0, LIMIT);
}
