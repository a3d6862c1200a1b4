import type { Database } from 'better-sqlite3';

/**
 * Webhook endpoints, their signing secrets, and the deliveries with every attempt. Deliveries are
 * rows, not timers, so that one interrupted by a shutdown is retried when `serve` starts again.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE webhooks (
      id           TEXT PRIMARY KEY,
      url          TEXT NOT NULL,
      events       TEXT NOT NULL,           -- JSON array of event types
      workspace_id TEXT REFERENCES workspaces(id),  -- null: every workspace
      created_at   INTEGER NOT NULL,
      removed_at   INTEGER                  -- kept, not deleted, so deliveries keep their endpoint
    ) STRICT;

    -- One row per secret an endpoint has had; generation 1 is the first. A secret signs while
    -- expires_at is null (the current one) or in the future (the previous one during a grace).
    CREATE TABLE webhook_secrets (
      webhook_id    TEXT NOT NULL REFERENCES webhooks(id),
      generation    INTEGER NOT NULL,
      secret_sealed BLOB NOT NULL,
      masked        TEXT NOT NULL,
      created_at    INTEGER NOT NULL,
      expires_at    INTEGER,
      PRIMARY KEY (webhook_id, generation)
    ) STRICT;

    CREATE TABLE webhook_deliveries (
      id              TEXT PRIMARY KEY,      -- dlv_…, the X-Octo-Delivery header
      webhook_id      TEXT NOT NULL REFERENCES webhooks(id),
      event_id        TEXT NOT NULL,         -- evt_…, the same for every endpoint of one event
      event_type      TEXT NOT NULL,
      payload         TEXT NOT NULL,         -- the exact body, so that a retry sends the same bytes
      status          TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
      attempts        INTEGER NOT NULL DEFAULT 0,
      -- when a pending delivery is due; while an attempt runs, the end of its lease
      next_attempt_at INTEGER,
      created_at      INTEGER NOT NULL,
      CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
    ) STRICT;
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, created_at);

    CREATE TABLE webhook_attempts (
      id          INTEGER PRIMARY KEY AUTOINCREMENT,
      delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id),
      at          INTEGER NOT NULL,
      code        INTEGER,                   -- the receiver's status; null: no answer
      error       TEXT,                      -- 'timeout' or 'connection_failed' when code is null
      duration_ms INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, id);
  `);
}
