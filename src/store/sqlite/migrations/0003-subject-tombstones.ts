import type { Database } from 'better-sqlite3';

/**
 * Removing a workspace, WABA or channel keeps its row as a tombstone (`removed_at` set) instead of
 * deleting it: its keys (revoked, never deleted: the audit log and `keys show` keep naming them)
 * reference it by foreign key, and the CHECK on keys requires the subject column of every
 * non-bearer key. A tombstone keeps its id and name, so the history names one subject each.
 *
 * The triggers make the keystore refuse to attach anything new to a removed subject, so that a
 * `keys create` or `channels add` racing a `remove` cannot leave a live key or channel under it.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE workspaces ADD COLUMN removed_at INTEGER;
    ALTER TABLE wabas ADD COLUMN removed_at INTEGER;
    ALTER TABLE channels ADD COLUMN removed_at INTEGER;

    CREATE TRIGGER keys_subject_not_removed BEFORE INSERT ON keys
    WHEN EXISTS (SELECT 1 FROM workspaces WHERE id = NEW.workspace_id AND removed_at IS NOT NULL)
      OR EXISTS (SELECT 1 FROM channels WHERE id = NEW.channel_id AND removed_at IS NOT NULL)
      OR EXISTS (SELECT 1 FROM wabas WHERE id = NEW.waba_id AND removed_at IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'the subject of this key was removed'); END;

    CREATE TRIGGER wabas_workspace_not_removed BEFORE INSERT ON wabas
    WHEN EXISTS (SELECT 1 FROM workspaces WHERE id = NEW.workspace_id AND removed_at IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'the workspace of this WABA was removed'); END;

    CREATE TRIGGER channels_owner_not_removed BEFORE INSERT ON channels
    WHEN EXISTS (SELECT 1 FROM workspaces WHERE id = NEW.workspace_id AND removed_at IS NOT NULL)
      OR EXISTS (SELECT 1 FROM wabas WHERE id = NEW.waba_id AND removed_at IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'the workspace or WABA of this channel was removed'); END;

    CREATE TRIGGER webhooks_workspace_not_removed BEFORE INSERT ON webhooks
    WHEN EXISTS (SELECT 1 FROM workspaces WHERE id = NEW.workspace_id AND removed_at IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'the workspace of this webhook was removed'); END;
  `);
}
