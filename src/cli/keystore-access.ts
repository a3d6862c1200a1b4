import type { KeystoreAccess } from '../app/context.js';

/**
 * What each command needs of the keystore, in one table. Only a command that adds something
 * creates a keystore; one that reads, or changes a key, subject or webhook that must already be there,
 * never does, and a keystore it was told to use that does not exist is an error
 * (`keystore_missing`), not an empty result. A command missing here creates (the safe default for
 * a new command that adds); test/e2e/keystore-missing.test.ts checks that every command is listed.
 */
export const KEYSTORE_ACCESS: Readonly<Record<string, KeystoreAccess>> = {
  'workspaces add': 'creates',
  'workspaces list': 'existing',
  'workspaces rename': 'existing',
  'workspaces remove': 'existing',
  'wabas add': 'creates',
  'wabas list': 'existing',
  'wabas rename': 'existing',
  'wabas remove': 'existing',
  'channels add': 'creates',
  'channels list': 'existing',
  'channels rename': 'existing',
  'channels remove': 'existing',
  'keys create': 'creates',
  'keys list': 'existing',
  'keys show': 'existing',
  'keys copy': 'existing',
  'keys scope': 'existing',
  'keys rotate': 'existing',
  'keys revoke': 'existing',
  'keys rename': 'existing',
  'keys verify': 'existing',
  'keys scan': 'existing',
  'keys check': 'existing',
  'keys import': 'creates',
  'scopes list': 'none',
  audit: 'existing',
  'webhooks add': 'creates',
  'webhooks list': 'existing',
  'webhooks remove': 'existing',
  'webhooks secret': 'existing',
  'webhooks rotate-secret': 'existing',
  'webhooks test': 'existing',
  'webhooks verify': 'existing',
  'webhooks deliveries': 'existing',
  // A verifier may start before the first key is made.
  serve: 'creates',
  backup: 'existing',
  restore: 'creates',
  // Looks at the keystore on its own, as it is (app/status.ts): nothing opened through the app
  // context, nothing created or migrated, and a missing one is reported, not thrown.
  status: 'none',
  apply: 'creates',
  export: 'existing',
  // Read from the keystore, where serve writes them; with --server, the keystore is not opened.
  'messages list': 'existing',
  'messages wait': 'existing',
  'requests list': 'existing',
  'requests tail': 'existing',
  completion: 'none',
  // Called on a Tab: lists nothing where there is no keystore yet, and never creates one.
  __complete: 'existing',
};

export function keystoreAccess(command: string): KeystoreAccess {
  return KEYSTORE_ACCESS[command] ?? 'creates';
}
