import type { Database } from 'better-sqlite3';

/** Subjects, keys, the audit log, and a small key/value table for keystore metadata. */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE meta (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE workspaces (
      id         TEXT PRIMARY KEY,
      name       TEXT NOT NULL UNIQUE,
      platform   TEXT NOT NULL CHECK (platform IN ('intercom', 'hubspot')),
      created_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE wabas (
      id           TEXT PRIMARY KEY,
      name         TEXT NOT NULL UNIQUE,
      workspace_id TEXT NOT NULL REFERENCES workspaces(id),
      created_at   INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE channels (
      id           TEXT PRIMARY KEY,
      name         TEXT NOT NULL UNIQUE,
      workspace_id TEXT NOT NULL REFERENCES workspaces(id),
      type         TEXT NOT NULL CHECK (type IN ('sms', 'viber', 'telegram', 'whatsapp')),
      waba_id      TEXT REFERENCES wabas(id),
      created_at   INTEGER NOT NULL,
      -- a WhatsApp number is attached to exactly one WABA; no other channel is
      CHECK ((type = 'whatsapp') = (waba_id IS NOT NULL))
    ) STRICT;
    CREATE INDEX channels_workspace ON channels(workspace_id, type);
    CREATE INDEX channels_waba ON channels(waba_id);

    CREATE TABLE keys (
      id             TEXT PRIMARY KEY,
      kind           TEXT NOT NULL CHECK (kind IN ('workspace', 'channel', 'waba', 'bearer')),
      name           TEXT,
      env            TEXT CHECK (env IN ('live', 'test')),
      workspace_id   TEXT REFERENCES workspaces(id),
      channel_id     TEXT REFERENCES channels(id),
      waba_id        TEXT REFERENCES wabas(id),
      hash           BLOB NOT NULL UNIQUE,
      secret_sealed  BLOB,
      masked         TEXT NOT NULL,
      scopes         TEXT,
      rate_limit     INTEGER,
      rate_window_s  INTEGER,
      state          TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'rotated', 'revoked')),
      created_at     INTEGER NOT NULL,
      expires_at     INTEGER,
      revoked_at     INTEGER,
      revoked_reason TEXT,
      grace_until    INTEGER,
      last_used_at   INTEGER,
      replaced_by    TEXT REFERENCES keys(id),
      replaces       TEXT REFERENCES keys(id),
      -- exactly the subject column that fits the kind is set; bearer keys have none, and a name
      CHECK (
        (kind = 'workspace' AND workspace_id IS NOT NULL AND channel_id IS NULL AND waba_id IS NULL) OR
        (kind = 'channel' AND channel_id IS NOT NULL AND workspace_id IS NULL AND waba_id IS NULL) OR
        (kind = 'waba' AND waba_id IS NOT NULL AND workspace_id IS NULL AND channel_id IS NULL) OR
        (kind = 'bearer' AND workspace_id IS NULL AND channel_id IS NULL AND waba_id IS NULL
          AND name IS NOT NULL AND env IS NOT NULL)
      ),
      -- the plaintext of a bearer key is never stored; the others must be viewable again
      CHECK ((kind = 'bearer') = (secret_sealed IS NULL))
    ) STRICT;
    -- SPEC §5: at most one active key per workspace, channel or WABA, enforced here so that two
    -- racing processes cannot both win.
    CREATE UNIQUE INDEX keys_one_active_workspace ON keys(workspace_id) WHERE state = 'active';
    CREATE UNIQUE INDEX keys_one_active_channel ON keys(channel_id) WHERE state = 'active';
    CREATE UNIQUE INDEX keys_one_active_waba ON keys(waba_id) WHERE state = 'active';
    CREATE INDEX keys_kind ON keys(kind, created_at);

    CREATE TABLE audit (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      at           INTEGER NOT NULL,
      actor        TEXT NOT NULL,
      action       TEXT NOT NULL,
      key_id       TEXT,
      subject_type TEXT,
      subject_id   TEXT,
      detail       TEXT
    ) STRICT;
    CREATE INDEX audit_key ON audit(key_id, at);
    CREATE INDEX audit_at ON audit(at);
  `);
}
