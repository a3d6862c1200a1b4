import { PARENT_REMOVED_CODE } from './errors.js';

/*
 * The PostgreSQL schema, versioned like SQLite's. One schema version names one logical schema
 * whatever the backend (what `octo status` and `backup` report): a new PostgreSQL database starts
 * directly at the version where PostgreSQL support began (BASELINE, SQLite's 0001–0005 in one
 * step), and each later version is one entry of LATER, written beside SQLite's migration of the
 * same number. Append only.
 *
 * Ids and names are COLLATE "C": octo lists and matches prefixes in byte order, as SQLite does,
 * whatever the database's collation. Times are int8 epoch milliseconds; hashes and sealed
 * secrets bytea (never a plaintext key or webhook secret). Every unique rule has a name, which
 * errors.ts maps to the store's UniqueRule. Foreign keys are DEFERRABLE (checked at once, unless
 * a restore defers them: rotated keys reference each other both ways).
 */

export const BASELINE = 5;

const INITIAL = `
  CREATE TABLE octo_schema (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    version integer NOT NULL
  );

  -- SPEC §11's change protocol: one row, bumped by every transaction that changes what a verifier
  -- decides on, and the verifiers that follow it, each with a lease.
  CREATE TABLE octo_changes (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    version int8 NOT NULL
  );
  INSERT INTO octo_changes (version) VALUES (0);

  CREATE TABLE octo_verifiers (
    id              text COLLATE "C" PRIMARY KEY,
    host            text NOT NULL,
    pid             integer NOT NULL,
    started_at      int8 NOT NULL,
    applied_version int8 NOT NULL,
    lease_until     int8 NOT NULL
  );

  CREATE TABLE meta (
    key   text COLLATE "C" CONSTRAINT meta_key PRIMARY KEY,
    value text NOT NULL
  );

  CREATE TABLE workspaces (
    id         text COLLATE "C" CONSTRAINT workspaces_id PRIMARY KEY,
    name       text COLLATE "C" NOT NULL CONSTRAINT workspaces_name UNIQUE,
    platform   text NOT NULL CHECK (platform IN ('intercom', 'hubspot')),
    created_at int8 NOT NULL,
    removed_at int8
  );

  CREATE TABLE wabas (
    id           text COLLATE "C" CONSTRAINT wabas_id PRIMARY KEY,
    name         text COLLATE "C" NOT NULL CONSTRAINT wabas_name UNIQUE,
    workspace_id text COLLATE "C" NOT NULL REFERENCES workspaces(id) DEFERRABLE,
    created_at   int8 NOT NULL,
    removed_at   int8
  );

  CREATE TABLE channels (
    id           text COLLATE "C" CONSTRAINT channels_id PRIMARY KEY,
    name         text COLLATE "C" NOT NULL CONSTRAINT channels_name UNIQUE,
    workspace_id text COLLATE "C" NOT NULL REFERENCES workspaces(id) DEFERRABLE,
    type         text NOT NULL CHECK (type IN ('sms', 'viber', 'telegram', 'whatsapp')),
    waba_id      text COLLATE "C" REFERENCES wabas(id) DEFERRABLE,
    created_at   int8 NOT NULL,
    removed_at   int8,
    CHECK ((type = 'whatsapp') = (waba_id IS NOT NULL))
  );
  CREATE INDEX channels_workspace ON channels(workspace_id, type);
  CREATE INDEX channels_waba ON channels(waba_id);

  CREATE TABLE keys (
    id             text COLLATE "C" CONSTRAINT keys_id PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('workspace', 'channel', 'waba', 'bearer')),
    name           text COLLATE "C",
    env            text CHECK (env IN ('live', 'test')),
    workspace_id   text COLLATE "C" REFERENCES workspaces(id) DEFERRABLE,
    channel_id     text COLLATE "C" REFERENCES channels(id) DEFERRABLE,
    waba_id        text COLLATE "C" REFERENCES wabas(id) DEFERRABLE,
    hash           bytea NOT NULL CONSTRAINT keys_hash UNIQUE,
    secret_sealed  bytea,
    masked         text NOT NULL,
    scopes         text,
    rate_limit     int8,
    rate_window_s  int8,
    state          text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'rotated', 'revoked')),
    created_at     int8 NOT NULL,
    expires_at     int8,
    revoked_at     int8,
    revoked_reason text,
    grace_until    int8,
    last_used_at   int8,
    replaced_by    text COLLATE "C" REFERENCES keys(id) DEFERRABLE,
    replaces       text COLLATE "C" REFERENCES keys(id) DEFERRABLE,
    CHECK (
      (kind = 'workspace' AND workspace_id IS NOT NULL AND channel_id IS NULL AND waba_id IS NULL) OR
      (kind = 'channel' AND channel_id IS NOT NULL AND workspace_id IS NULL AND waba_id IS NULL) OR
      (kind = 'waba' AND waba_id IS NOT NULL AND workspace_id IS NULL AND channel_id IS NULL) OR
      (kind = 'bearer' AND workspace_id IS NULL AND channel_id IS NULL AND waba_id IS NULL
        AND name IS NOT NULL AND env IS NOT NULL)
    ),
    CHECK ((kind = 'bearer') = (secret_sealed IS NULL))
  );
  -- SPEC §5: at most one active key per workspace, channel or WABA, under concurrent writers.
  CREATE UNIQUE INDEX keys_one_active_workspace ON keys(workspace_id) WHERE state = 'active';
  CREATE UNIQUE INDEX keys_one_active_channel ON keys(channel_id) WHERE state = 'active';
  CREATE UNIQUE INDEX keys_one_active_waba ON keys(waba_id) WHERE state = 'active';
  CREATE INDEX keys_kind ON keys(kind, created_at);
  CREATE INDEX keys_created ON keys(created_at, id);
  CREATE INDEX keys_name ON keys(name);
  CREATE INDEX keys_replaced_by ON keys(replaced_by);

  CREATE TABLE audit (
    id           int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at           int8 NOT NULL,
    actor        text NOT NULL,
    action       text NOT NULL,
    key_id       text COLLATE "C",
    subject_type text,
    subject_id   text COLLATE "C",
    detail       text
  );
  CREATE INDEX audit_key ON audit(key_id, at);
  CREATE INDEX audit_at ON audit(at);

  CREATE TABLE webhooks (
    id           text COLLATE "C" CONSTRAINT webhooks_id PRIMARY KEY,
    url          text NOT NULL,
    events       text NOT NULL,
    workspace_id text COLLATE "C" REFERENCES workspaces(id) DEFERRABLE,
    created_at   int8 NOT NULL,
    removed_at   int8,
    scheme       text NOT NULL DEFAULT 'octo' CHECK (scheme IN ('octo', 'standard-webhooks'))
  );

  CREATE TABLE webhook_secrets (
    webhook_id    text COLLATE "C" NOT NULL REFERENCES webhooks(id) DEFERRABLE,
    generation    int8 NOT NULL,
    secret_sealed bytea NOT NULL,
    masked        text NOT NULL,
    created_at    int8 NOT NULL,
    expires_at    int8,
    CONSTRAINT webhook_secrets_generation PRIMARY KEY (webhook_id, generation)
  );

  -- seq: the order deliveries were made in (SQLite's rowid), which listings break ties by.
  CREATE TABLE webhook_deliveries (
    id              text COLLATE "C" CONSTRAINT webhook_deliveries_id PRIMARY KEY,
    seq             int8 GENERATED BY DEFAULT AS IDENTITY UNIQUE,
    webhook_id      text COLLATE "C" NOT NULL REFERENCES webhooks(id) DEFERRABLE,
    event_id        text NOT NULL,
    event_type      text NOT NULL,
    payload         text NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
    attempts        int8 NOT NULL DEFAULT 0,
    next_attempt_at int8,
    created_at      int8 NOT NULL,
    CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
  );
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
  CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, created_at);

  CREATE TABLE webhook_attempts (
    id          int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    delivery_id text COLLATE "C" NOT NULL REFERENCES webhook_deliveries(id) DEFERRABLE,
    at          int8 NOT NULL,
    code        int8,
    error       text,
    duration_ms int8 NOT NULL
  );
  CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, id);

  -- Nothing new is attached to a removed subject (SQLite's migration 0003), so that a keys create
  -- or channels add racing a remove cannot leave a live key or channel under it.
  CREATE FUNCTION octo_refuse_removed_parent() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_TABLE_NAME = 'keys' THEN
      IF EXISTS (SELECT 1 FROM workspaces WHERE id = NEW.workspace_id AND removed_at IS NOT NULL)
        OR EXISTS (SELECT 1 FROM channels WHERE id = NEW.channel_id AND removed_at IS NOT NULL)
        OR EXISTS (SELECT 1 FROM wabas WHERE id = NEW.waba_id AND removed_at IS NOT NULL) THEN
        RAISE EXCEPTION 'the subject of this key was removed' USING ERRCODE = '${PARENT_REMOVED_CODE}';
      END IF;
    ELSIF TG_TABLE_NAME = 'wabas' THEN
      IF EXISTS (SELECT 1 FROM workspaces WHERE id = NEW.workspace_id AND removed_at IS NOT NULL) THEN
        RAISE EXCEPTION 'the workspace of this WABA was removed' USING ERRCODE = '${PARENT_REMOVED_CODE}';
      END IF;
    ELSIF TG_TABLE_NAME = 'channels' THEN
      IF EXISTS (SELECT 1 FROM workspaces WHERE id = NEW.workspace_id AND removed_at IS NOT NULL)
        OR EXISTS (SELECT 1 FROM wabas WHERE id = NEW.waba_id AND removed_at IS NOT NULL) THEN
        RAISE EXCEPTION 'the workspace or WABA of this channel was removed' USING ERRCODE = '${PARENT_REMOVED_CODE}';
      END IF;
    ELSIF TG_TABLE_NAME = 'webhooks' THEN
      IF EXISTS (SELECT 1 FROM workspaces WHERE id = NEW.workspace_id AND removed_at IS NOT NULL) THEN
        RAISE EXCEPTION 'the workspace of this webhook was removed' USING ERRCODE = '${PARENT_REMOVED_CODE}';
      END IF;
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER keys_subject_not_removed BEFORE INSERT ON keys FOR EACH ROW EXECUTE FUNCTION octo_refuse_removed_parent();
  CREATE TRIGGER wabas_workspace_not_removed BEFORE INSERT ON wabas FOR EACH ROW EXECUTE FUNCTION octo_refuse_removed_parent();
  CREATE TRIGGER channels_owner_not_removed BEFORE INSERT ON channels FOR EACH ROW EXECUTE FUNCTION octo_refuse_removed_parent();
  CREATE TRIGGER webhooks_workspace_not_removed BEFORE INSERT ON webhooks FOR EACH ROW EXECUTE FUNCTION octo_refuse_removed_parent();
`;

/** The SQL bringing an empty database to BASELINE. */
export const INITIAL_SQL = INITIAL;

/** Entry i brings the schema from BASELINE + i to BASELINE + i + 1. */
export const LATER: readonly string[] = [
  // 6: the local twin's outbox and request journal (SQLite's 0006-twin; store/twin-log.ts has the
  // rules). Appended by verifiers under a lock of their own (TWIN_LOCK), never the writers' lock,
  // and without bumping the change counter: nothing here changes what a verifier decides on.
  `
  CREATE TABLE twin_messages (
    seq_first int8 PRIMARY KEY,
    seq_last  int8 NOT NULL,
    at_last   int8 NOT NULL,
    keep      int8 NOT NULL,
    entries   text NOT NULL
  );
  CREATE TABLE twin_requests (
    seq_first int8 PRIMARY KEY,
    seq_last  int8 NOT NULL,
    at_last   int8 NOT NULL,
    keep      int8 NOT NULL,
    entries   text NOT NULL
  );
  `,
  // 7: nothing. SQLite's 0007 moved the twin to a file of its own beside the keystore; here it
  // stays in the database every verifier shares, and the versions move together.
  'SELECT 1',
];

export const PG_SCHEMA_VERSION = BASELINE + LATER.length;
