import { formatDuration } from '../core/duration.js';
import type { KeyRecord } from '../core/model.js';
import { shellWord } from '../core/shell-word.js';
import type { Keystore } from '../store/keystore.js';

/**
 * The key that does `key`'s job now, if one is active: itself, the last of its successors, or
 * (for a workspace, channel or WABA key) whatever key its subject has now.
 */
export async function heirOf(store: Keystore, key: KeyRecord): Promise<KeyRecord | undefined> {
  let current = key;
  // Each successor is newer than the key it replaced, so the walk ends; the bound is for bad data.
  for (let steps = 0; current.state !== 'active' && current.replacedBy && steps < 10_000; steps++) {
    const next = await store.keys.findById(current.replacedBy);
    if (!next) break;
    current = next;
  }
  if (current.state === 'active') return current;
  return key.subject ? store.keys.activeFor(key.subject.type, key.subject.id) : undefined;
}

/**
 * A command that puts a working key in place of `key` and that octo will not refuse: rotate the
 * key in use now, or, when there is none, create one like it (same subject; for a bearer key the
 * same name, scopes, environment and rate limit).
 */
export async function replacementCommand(store: Keystore, key: KeyRecord): Promise<string> {
  const heir = await heirOf(store, key);
  if (heir) return `octo keys rotate ${heir.id}`;
  if (key.subject) return `octo keys create ${key.kind} --${key.subject.type} ${shellWord(key.subject.id)}`;
  return [
    'octo keys create bearer --name', shellWord(key.name ?? key.id),
    ...(key.scopes ?? []).map((s) => `--scope ${s}`),
    ...(key.env === 'test' ? ['--test'] : []),
    ...(key.rateLimit ? [`--rate-limit ${key.rateLimit.limit}/${formatDuration(key.rateLimit.window_s)}`] : []),
  ].join(' ');
}

/**
 * What to do about a key that nothing replaces now: the command that issues one like it, or, when
 * its subject was removed (no key can be made for it again), where its story is told.
 */
export async function replacementHint(store: Keystore, key: KeyRecord): Promise<string> {
  const subject = key.subject && (await store.subjects.findRef(key.subject.type, key.subject.id)).exact;
  if (key.subject && subject?.removedAt != null) {
    return `its ${key.subject.type} ${key.subject.id} was removed, so no key replaces it: see \`octo audit --key ${key.id}\``;
  }
  return `issue a new one: \`${await replacementCommand(store, key)}\``;
}
