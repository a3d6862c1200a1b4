import type { KeystoreAccess } from '../app/context.js';

/**
 * What each command does with the keystore, in one table: a command that only reads never
 * creates a keystore, and a keystore it was told to use that does not exist is an error
 * (`keystore_missing`), not an empty result. A command missing here writes (creates on first use);
 * test/e2e/keystore-missing.test.ts checks that every command of the tree is listed.
 */
export const KEYSTORE_ACCESS: Readonly<Record<string, KeystoreAccess>> = {
  'workspaces add': 'writes',
  'workspaces list': 'reads',
  'wabas add': 'writes',
  'wabas list': 'reads',
  'channels add': 'writes',
  'channels list': 'reads',
  'keys create': 'writes',
  'keys list': 'reads',
  'keys show': 'reads',
  'keys copy': 'reads',
  'keys scope': 'writes',
  'keys rotate': 'writes',
  'keys revoke': 'writes',
  'keys verify': 'reads',
  'keys scan': 'reads',
  'keys check': 'reads',
  'scopes list': 'none',
  audit: 'reads',
  'webhooks add': 'writes',
  'webhooks list': 'reads',
  'webhooks remove': 'writes',
  'webhooks secret': 'reads',
  'webhooks rotate-secret': 'writes',
  // A test send records the delivery and its attempt.
  'webhooks test': 'writes',
  'webhooks verify': 'reads',
  'webhooks deliveries': 'reads',
  // serve records last-used times and webhook deliveries.
  serve: 'writes',
  backup: 'reads',
  restore: 'writes',
};

export function keystoreAccess(command: string): KeystoreAccess {
  return KEYSTORE_ACCESS[command] ?? 'writes';
}
