/*
 * The keystore's tables as a backend-neutral list, for moving a whole keystore between backends
 * (`octo backup` from PostgreSQL writes an octo SQLite file; `octo restore` loads one into
 * PostgreSQL). Not part of the Keystore interface: only the backends' backup code reads it.
 *
 * Parents come before children. The subject tables' removed_at is copied last (`tombstoned`):
 * both backends refuse to insert a key, channel, WABA or webhook under a removed subject, which a
 * keystore legitimately holds (a removed workspace's revoked keys), so subjects go in live and are
 * made tombstones once everything under them is in.
 */

export interface CopiedTable {
  name: string;
  columns: readonly string[];
  /** The order rows are copied in: the primary key, or insertion order (`insertionOrder`). */
  orderBy: string;
  /** Rows keep their insertion order (SQLite's rowid), which listings break ties by. */
  insertionOrder?: boolean;
  tombstoned?: boolean;
  /** An identity column whose sequence must continue after the copied ids. */
  identity?: string;
}

export const COPIED_TABLES: readonly CopiedTable[] = [
  { name: 'meta', columns: ['key', 'value'], orderBy: 'key' },
  { name: 'workspaces', columns: ['id', 'name', 'platform', 'created_at', 'removed_at'], orderBy: 'id', tombstoned: true },
  { name: 'wabas', columns: ['id', 'name', 'workspace_id', 'created_at', 'removed_at'], orderBy: 'id', tombstoned: true },
  { name: 'channels', columns: ['id', 'name', 'workspace_id', 'type', 'waba_id', 'created_at', 'removed_at'], orderBy: 'id', tombstoned: true },
  {
    name: 'keys',
    columns: [
      'id', 'kind', 'name', 'env', 'workspace_id', 'channel_id', 'waba_id', 'hash', 'secret_sealed', 'masked', 'scopes',
      'rate_limit', 'rate_window_s', 'state', 'created_at', 'expires_at', 'revoked_at', 'revoked_reason', 'grace_until',
      'last_used_at', 'replaced_by', 'replaces',
    ],
    orderBy: 'id',
  },
  { name: 'audit', columns: ['id', 'at', 'actor', 'action', 'key_id', 'subject_type', 'subject_id', 'detail'], orderBy: 'id', identity: 'id' },
  { name: 'webhooks', columns: ['id', 'url', 'events', 'workspace_id', 'created_at', 'removed_at', 'scheme'], orderBy: 'id' },
  { name: 'webhook_secrets', columns: ['webhook_id', 'generation', 'secret_sealed', 'masked', 'created_at', 'expires_at'], orderBy: 'webhook_id, generation' },
  {
    name: 'webhook_deliveries',
    columns: ['id', 'webhook_id', 'event_id', 'event_type', 'payload', 'status', 'attempts', 'next_attempt_at', 'created_at'],
    orderBy: 'id',
    insertionOrder: true,
  },
  { name: 'webhook_attempts', columns: ['id', 'delivery_id', 'at', 'code', 'error', 'duration_ms'], orderBy: 'id', identity: 'id' },
];

/*
 * Not moved between backends: PostgreSQL's twin_messages and twin_requests (on SQLite the local
 * twin is a file of its own beside the keystore, store/sqlite/twin-file.ts). They hold what the
 * verifiers on a keystore saw, not what it holds: a restore into PostgreSQL leaves them as they are
 * (a reset, which restores the fixtures, empties them itself), and a backup from PostgreSQL leaves
 * them out. Copying them would also make a reset's restore wait on the verifiers' appends (the
 * same rows, locked both ways).
 */
