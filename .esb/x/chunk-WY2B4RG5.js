import {
  masterKeyFingerprint,
  wrongMasterKey
} from "./chunk-MMTFBEVX.js";
import {
  CancelledError,
  OctoError,
  UsageError
} from "./chunk-3TCPD4YY.js";

// dist/ui/colors.js
var paintNothing = (...text) => text.join(" "), PLAIN = new Proxy(paintNothing, {
  get: (_target, prop) => prop === "level" ? 0 : PLAIN
});
async function loadPainters(off, stdout, stderr) {
  if (off || !stdout.isTTY && !stderr.isTTY)
    return { stdout: PLAIN, stderr: PLAIN };
  let { Chalk, supportsColor, supportsColorStderr } = await import("chalk"), painter = (tty, support) => tty && support && support.level > 0 ? new Chalk({ level: support.level }) : PLAIN;
  return { stdout: painter(stdout.isTTY, supportsColor), stderr: painter(stderr.isTTY, supportsColorStderr) };
}

// dist/ui/output.js
var Output = class _Output {
  json;
  debug;
  /** Colours for stdout and for stderr. */
  c;
  e;
  stdout;
  stderr;
  constructor(opts, painters = { stdout: PLAIN, stderr: PLAIN }) {
    this.json = opts.json, this.debug = opts.debug, this.stdout = opts.stdout ?? process.stdout, this.stderr = opts.stderr ?? process.stderr, this.c = painters.stdout, this.e = painters.stderr;
  }
  /** An Output with colour where the stream is a terminal and neither --no-color nor NO_COLOR says no. */
  static async create(opts) {
    let stdout = opts.stdout ?? process.stdout, stderr = opts.stderr ?? process.stderr, off = !opts.color || !!opts.env.NO_COLOR;
    return new _Output({ ...opts, stdout, stderr }, await loadPainters(off, stdout, stderr));
  }
  get colorOn() {
    return this.c.level > 0;
  }
  /** `--json`: the one keyed document of this command. */
  document(doc) {
    this.stdout.write(JSON.stringify(doc, null, 2) + `
`);
  }
  /**
   * `{"<name>": [...]}` written as the items come, in chunks, waiting for the pipe to drain, so a
   * listing of 100,000 keys is never one giant string nor a queue of pending writes in memory.
   */
  async streamDocument(name, items) {
    let chunk = `{
  ${JSON.stringify(name)}: [`, first = !0;
    for (let item of items)
      chunk += (first ? `
    ` : `,
    `) + JSON.stringify(item), first = !1, chunk.length > 65536 && (await this.writeOut(chunk), chunk = "");
    await this.writeOut(chunk + (first ? `]
}
` : `
  ]
}
`));
  }
  writeOut(text) {
    if (!this.stdout.write(text))
      return new Promise((resolve) => this.stdout.once("drain", resolve));
  }
  /** A stream of JSON documents, one per line (serve's log, scan findings). */
  jsonLine(doc) {
    this.stdout.write(JSON.stringify(doc) + `
`);
  }
  /** A line of human data on stdout. */
  line(text = "") {
    this.stdout.write(text + `
`);
  }
  /** A message for the person on stderr (never data; silent under --json). */
  info(text) {
    this.json || this.stderr.write(text + `
`);
  }
  warn(text) {
    this.json || this.stderr.write(this.e.yellow("warning: ") + text + `
`);
  }
  /** SPEC §5: `error: …` and `hint: …`, or a JSON error object on stderr; a stack only with --debug. */
  error(err) {
    if (err instanceof OctoError) {
      if (this.json) {
        let body = { code: err.code, message: err.message };
        err.hint && (body.hint = err.hint), this.stderr.write(JSON.stringify({ error: body }) + `
`);
      } else
        this.stderr.write(this.e.red("error: ") + err.message + `
`), err.hint && this.stderr.write(this.e.dim("hint: ") + err.hint + `
`);
      this.debug && err.stack && this.stderr.write(err.stack + `
`);
      return;
    }
    let message = err instanceof Error ? err.message : String(err), hint = "this is a bug in octo; run again with --debug for the stack and report it";
    this.json ? this.stderr.write(JSON.stringify({ error: { code: "internal", message, hint } }) + `
`) : this.stderr.write(this.e.red("error: ") + message + `
` + this.e.dim("hint: ") + hint + `
`), this.debug && err instanceof Error && err.stack && this.stderr.write(err.stack + `
`);
  }
};

// dist/app/context.js
import { userInfo } from "node:os";

// dist/store/audit-repo.js
var AuditRepo = class {
  db;
  constructor(db) {
    this.db = db;
  }
  record(e) {
    this.db.prepare("INSERT INTO audit (at, actor, action, key_id, subject_type, subject_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)").run(e.at, e.actor, e.action, e.keyId, e.subjectType, e.subjectId, e.detail ? JSON.stringify(e.detail) : null);
  }
  list(filter) {
    let where = [], args = [];
    filter.keyId && (where.push("key_id = ?"), args.push(filter.keyId)), filter.since !== void 0 && (where.push("at >= ?"), args.push(filter.since));
    let sql = `SELECT * FROM audit ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY at, id`;
    return this.db.prepare(sql).all(...args).map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      keyId: r.key_id,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      detail: r.detail ? JSON.parse(r.detail) : null
    }));
  }
};

// dist/store/keys-repo.js
var SELECT = `
  SELECT k.id, k.kind, k.name, k.env, k.workspace_id, k.channel_id, k.waba_id, k.masked, k.scopes,
         k.rate_limit, k.rate_window_s, k.state, k.created_at, k.expires_at, k.revoked_at,
         k.revoked_reason, k.grace_until, k.last_used_at, k.replaced_by, k.replaces,
         COALESCE(w.name, c.name, b.name) AS subject_name,
         c.type AS channel_type,
         COALESCE(k.workspace_id, c.workspace_id, b.workspace_id) AS owner_workspace
  FROM keys k
  LEFT JOIN workspaces w ON w.id = k.workspace_id
  LEFT JOIN channels c ON c.id = k.channel_id
  LEFT JOIN wabas b ON b.id = k.waba_id`;
function toRecord(r) {
  let subject = null;
  return r.workspace_id ? subject = { type: "workspace", id: r.workspace_id, name: r.subject_name ?? "" } : r.channel_id ? subject = { type: "channel", id: r.channel_id, name: r.subject_name ?? "" } : r.waba_id && (subject = { type: "waba", id: r.waba_id, name: r.subject_name ?? "" }), {
    id: r.id,
    kind: r.kind,
    name: r.name,
    env: r.env,
    subject,
    workspaceId: r.owner_workspace,
    channelType: r.channel_type,
    scopes: r.scopes === null ? null : JSON.parse(r.scopes),
    state: r.state,
    masked: r.masked,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    revokedReason: r.revoked_reason,
    graceUntil: r.grace_until,
    lastUsedAt: r.last_used_at,
    replacedBy: r.replaced_by,
    replaces: r.replaces,
    rateLimit: r.rate_limit === null || r.rate_window_s === null ? null : { limit: r.rate_limit, window_s: r.rate_window_s }
  };
}
var SUBJECT_COLUMN = { workspace: "workspace_id", channel: "channel_id", waba: "waba_id" }, KeysRepo = class {
  db;
  byHash;
  byId;
  touch;
  insertStatement;
  constructor(db) {
    this.db = db, this.byHash = db.prepare(`${SELECT} WHERE k.hash = ?`), this.byId = db.prepare(`${SELECT} WHERE k.id = ?`), this.touch = db.prepare("UPDATE keys SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @at)");
  }
  insert(k) {
    this.insertStatement ??= this.db.prepare(`
      INSERT INTO keys (id, kind, name, env, workspace_id, channel_id, waba_id, hash, secret_sealed, masked,
                        scopes, rate_limit, rate_window_s, created_at, expires_at, replaces)
      VALUES (@id, @kind, @name, @env, @workspace_id, @channel_id, @waba_id, @hash, @secret_sealed, @masked,
              @scopes, @rate_limit, @rate_window_s, @created_at, @expires_at, @replaces)`), this.insertStatement.run({
      id: k.id,
      kind: k.kind,
      name: k.name,
      env: k.env,
      workspace_id: k.subjectType === "workspace" ? k.subjectId : null,
      channel_id: k.subjectType === "channel" ? k.subjectId : null,
      waba_id: k.subjectType === "waba" ? k.subjectId : null,
      hash: k.hash,
      secret_sealed: k.secretSealed,
      masked: k.masked,
      scopes: k.scopes === null ? null : JSON.stringify(k.scopes),
      rate_limit: k.rateLimit?.limit ?? null,
      rate_window_s: k.rateLimit?.window_s ?? null,
      created_at: k.createdAt,
      expires_at: k.expiresAt,
      replaces: k.replaces
    });
  }
  findByHash(hash) {
    let r = this.byHash.get(hash);
    return r && toRecord(r);
  }
  findById(id) {
    let r = this.byId.get(id);
    return r && toRecord(r);
  }
  /** Ids starting with `prefix`, at most `limit` (enough to tell unique from ambiguous). */
  idsWithPrefix(prefix, limit = 11) {
    return this.db.prepare("SELECT id FROM keys WHERE id >= @prefix AND substr(id, 1, length(@prefix)) = @prefix ORDER BY id LIMIT @limit").all({ prefix, limit }).map((r) => r.id);
  }
  activeFor(subjectType, subjectId) {
    let r = this.db.prepare(`${SELECT} WHERE k.${SUBJECT_COLUMN[subjectType]} = ? AND k.state = 'active'`).get(subjectId);
    return r && toRecord(r);
  }
  /** The sealed secret of a workspace, channel or WABA key (null for bearer keys). */
  sealedSecret(id) {
    return this.db.prepare("SELECT secret_sealed FROM keys WHERE id = ?").get(id)?.secret_sealed ?? null;
  }
  /** Streams records, oldest first, so that a listing of 100,000 keys never sits in memory whole. */
  *iterate(filter = {}) {
    let where = [], args = [];
    filter.kind && (where.push("k.kind = ?"), args.push(filter.kind)), filter.states && (where.push(`k.state IN (${filter.states.map(() => "?").join(", ")})`), args.push(...filter.states)), filter.workspaceId && (where.push("COALESCE(k.workspace_id, c.workspace_id, b.workspace_id) = ?"), args.push(filter.workspaceId));
    let sql = `${SELECT} ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY k.created_at, k.id`;
    for (let r of this.db.prepare(sql).iterate(...args))
      yield toRecord(r);
  }
  /** First half of a rotation: the old key leaves the active state (and the one-active index). */
  /** Returns false when the key was no longer active (another process rotated or revoked it). */
  retire(id, graceUntil) {
    return this.db.prepare("UPDATE keys SET state = 'rotated', grace_until = ? WHERE id = ? AND state = 'active'").run(graceUntil, id).changes === 1;
  }
  /** Second half, once the successor row exists (replaced_by is a foreign key). */
  linkSuccessor(id, successor) {
    this.db.prepare("UPDATE keys SET replaced_by = ? WHERE id = ?").run(successor, id);
  }
  /** Returns false when the key was already revoked. */
  revoke(id, at, reason) {
    return this.db.prepare("UPDATE keys SET state = 'revoked', revoked_at = ?, revoked_reason = ? WHERE id = ? AND state != 'revoked'").run(at, reason, id).changes === 1;
  }
  setScopes(id, scopes) {
    this.db.prepare("UPDATE keys SET scopes = ? WHERE id = ?").run(scopes === null ? null : JSON.stringify(scopes), id);
  }
  /** Batched last-used times: one transaction for many keys; never moves a time backwards. */
  touchLastUsed(entries) {
    this.db.transaction(() => {
      for (let [id, at] of entries)
        this.touch.run({ at, id });
    })();
  }
};

// dist/store/meta-repo.js
var MetaRepo = class {
  db;
  constructor(db) {
    this.db = db;
  }
  get(key) {
    return this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key)?.value;
  }
  /** Sets `key` only if it has no value yet; returns the value in force afterwards. */
  setIfAbsent(key, value) {
    return this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING").run(key, value), this.get(key);
  }
};

// dist/store/open.js
import Database from "better-sqlite3";
import { existsSync, statSync } from "node:fs";
import { dirname as dirname2 } from "node:path";

// dist/store/migrations/0001-initial.js
function up(db) {
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
    -- SPEC \xA75: at most one active key per workspace, channel or WABA, enforced here so that two
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

// dist/store/migrations/0002-webhooks.js
function up2(db) {
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
      id              TEXT PRIMARY KEY,      -- dlv_\u2026, the X-Octo-Delivery header
      webhook_id      TEXT NOT NULL REFERENCES webhooks(id),
      event_id        TEXT NOT NULL,         -- evt_\u2026, the same for every endpoint of one event
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

// dist/store/migrations/index.js
var MIGRATIONS = [up, up2], SCHEMA_VERSION = MIGRATIONS.length;

// dist/store/private-files.js
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
function ensurePrivateDir(dir) {
  mkdirSync(dir, { recursive: !0, mode: 448 }) !== void 0 && chmodSync(dir, 448);
}
function ensurePrivateFile(file) {
  ensurePrivateDir(dirname(file));
  let fd;
  try {
    fd = openSync(file, "wx", 384);
  } catch (err) {
    if (err.code === "EEXIST")
      return !1;
    throw err;
  }
  return closeSync(fd), chmodSync(file, 384), !0;
}
function tempBeside(file) {
  return `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
}

// dist/store/open.js
var BUSY_TIMEOUT_MS = 1e4;
function openDatabase(path, opts = {}) {
  if (!opts.readonly)
    prepareFile(path);
  else if (!existsSync(path))
    throw new OctoError("keystore_missing", `no keystore at ${path}`, {
      hint: "create one with any octo command that writes, e.g. `octo workspaces add NAME --platform intercom`"
    });
  let db;
  try {
    db = new Database(path, { readonly: opts.readonly ?? !1, timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw cannotOpen(path, err);
  }
  try {
    db.pragma("foreign_keys = ON"), checkIsOurs(db, path), opts.readonly || setWal(db), migrate(db, path);
  } catch (err) {
    throw db.close(), err instanceof OctoError ? err : cannotOpen(path, err);
  }
  return db;
}
function prepareFile(path) {
  try {
    ensurePrivateDir(dirname2(path)), ensurePrivateFile(path);
  } catch (err) {
    throw cannotOpen(path, err);
  }
  if (statSync(path).isDirectory())
    throw new OctoError("keystore_invalid", `${path} is a folder, not a keystore file`, {
      hint: "pass --db with a file path, e.g. --db ~/octo/keystore.db"
    });
}
function setWal(db) {
  for (let attempt = 0; ; attempt++)
    try {
      db.pragma("journal_mode", { simple: !0 }) !== "wal" && db.pragma("journal_mode = WAL");
      return;
    } catch (err) {
      if (err.code !== "SQLITE_BUSY" || attempt >= 50)
        throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
}
function migrate(db, path) {
  let current = () => db.pragma("user_version", { simple: !0 });
  checkNotNewer(current(), path), current() !== SCHEMA_VERSION && db.transaction(() => {
    let from = current();
    checkNotNewer(from, path);
    for (let v = from; v < SCHEMA_VERSION; v++)
      MIGRATIONS[v](db), db.pragma(`user_version = ${v + 1}`);
  }).immediate();
}
function checkIsOurs(db, path) {
  let version = db.pragma("user_version", { simple: !0 });
  if (checkNotNewer(version, path), version === 0 && db.prepare("SELECT 1 FROM sqlite_master LIMIT 1").get() !== void 0)
    throw new OctoError("keystore_invalid", `${path} is a SQLite database, but not an octo keystore`, {
      hint: "pass --db (or OCTO_DB) with the path of your keystore; octo does not add its tables to another database"
    });
}
function checkNotNewer(version, path) {
  if (version > SCHEMA_VERSION)
    throw new OctoError("keystore_too_new", `the keystore ${path} has schema version ${version}, newer than this octo understands (${SCHEMA_VERSION})`, { hint: "upgrade octo (npm install -g octo@latest); octo never downgrades a keystore" });
}
function cannotOpen(path, err) {
  let e = err;
  return e.code === "SQLITE_NOTADB" || e.code === "SQLITE_CORRUPT" ? new OctoError("keystore_invalid", `${path} is not an octo keystore (not a SQLite database)`, {
    hint: "pass --db (or OCTO_DB) with the path of your keystore, or move this file away to start a new one"
  }) : e.code === "EACCES" || e.code === "EPERM" || e.code === "EROFS" || e.code === "SQLITE_READONLY" || e.code === "SQLITE_CANTOPEN" ? new OctoError("keystore_unwritable", `cannot open the keystore ${path}: permission denied or read-only`, {
    hint: "pass --db (or OCTO_DB) with a path in a folder you can write to"
  }) : e.code === "ENOTDIR" || e.code === "ENOENT" ? new OctoError("keystore_unwritable", `cannot create the keystore ${path}: a parent is not a folder`, {
    hint: "pass --db (or OCTO_DB) with a path in a folder you can write to"
  }) : new OctoError("keystore_error", `cannot open the keystore ${path}: ${e.message ?? String(err)}`, {
    hint: "check the path given by --db or OCTO_DB"
  });
}

// dist/store/subjects-repo.js
var toWorkspace = (r) => ({ id: r.id, name: r.name, platform: r.platform, createdAt: r.created_at }), toWaba = (r) => ({ id: r.id, name: r.name, workspaceId: r.workspace_id, createdAt: r.created_at }), toChannel = (r) => ({
  id: r.id,
  name: r.name,
  workspaceId: r.workspace_id,
  type: r.type,
  wabaId: r.waba_id,
  createdAt: r.created_at
}), TABLE = { workspace: "workspaces", waba: "wabas", channel: "channels" }, SubjectsRepo = class {
  db;
  channelById;
  constructor(db) {
    this.db = db, this.channelById = db.prepare("SELECT * FROM channels WHERE id = ?");
  }
  addWorkspace(w) {
    this.db.prepare("INSERT INTO workspaces (id, name, platform, created_at) VALUES (?, ?, ?, ?)").run(w.id, w.name, w.platform, w.createdAt);
  }
  addWaba(w) {
    this.db.prepare("INSERT INTO wabas (id, name, workspace_id, created_at) VALUES (?, ?, ?, ?)").run(w.id, w.name, w.workspaceId, w.createdAt);
  }
  addChannel(c) {
    this.db.prepare("INSERT INTO channels (id, name, workspace_id, type, waba_id, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(c.id, c.name, c.workspaceId, c.type, c.wabaId, c.createdAt);
  }
  /** Rows whose id or name is exactly `ref`, else whose id starts with it (for unique prefixes). */
  findRef(type, ref) {
    let table = TABLE[type], exact = this.db.prepare(`SELECT id, name FROM ${table} WHERE id = @ref OR name = @ref ORDER BY id = @ref DESC LIMIT 1`).get({ ref });
    return exact ? { exact, byPrefix: [] } : { exact: void 0, byPrefix: this.db.prepare(`SELECT id, name FROM ${table} WHERE substr(id, 1, length(@ref)) = @ref ORDER BY id LIMIT 11`).all({ ref }) };
  }
  workspace(id) {
    let r = this.db.prepare("SELECT * FROM workspaces WHERE id = ?").get(id);
    return r && toWorkspace(r);
  }
  waba(id) {
    let r = this.db.prepare("SELECT * FROM wabas WHERE id = ?").get(id);
    return r && toWaba(r);
  }
  channel(id) {
    let r = this.channelById.get(id);
    return r && toChannel(r);
  }
  listWorkspaces() {
    return this.db.prepare("SELECT * FROM workspaces ORDER BY created_at, id").all().map(toWorkspace);
  }
  listWabas(workspaceId) {
    return (workspaceId ? this.db.prepare("SELECT * FROM wabas WHERE workspace_id = ? ORDER BY created_at, id").all(workspaceId) : this.db.prepare("SELECT * FROM wabas ORDER BY created_at, id").all()).map(toWaba);
  }
  listChannels(filter = {}) {
    let where = [], args = [];
    filter.workspaceId && (where.push("workspace_id = ?"), args.push(filter.workspaceId)), filter.wabaId && (where.push("waba_id = ?"), args.push(filter.wabaId)), filter.type && (where.push("type = ?"), args.push(filter.type));
    let sql = `SELECT * FROM channels ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY created_at, id`;
    return this.db.prepare(sql).all(...args).map(toChannel);
  }
};

// dist/store/webhooks-repo.js
var toWebhook = (r) => ({
  id: r.id,
  url: r.url,
  events: JSON.parse(r.events),
  workspaceId: r.workspace_id,
  createdAt: r.created_at,
  removedAt: r.removed_at
}), toSecret = (r) => ({
  generation: r.generation,
  sealed: r.secret_sealed,
  masked: r.masked,
  createdAt: r.created_at,
  expiresAt: r.expires_at
}), toDelivery = (r) => ({
  id: r.id,
  webhookId: r.webhook_id,
  eventId: r.event_id,
  eventType: r.event_type,
  payload: r.payload,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  createdAt: r.created_at
}), WebhooksRepo = class {
  db;
  // Prepared once: `serve` runs these on every batch of accepted messages and every dispatch tick.
  active;
  earliestDue;
  addDelivery;
  constructor(db) {
    this.db = db, this.active = db.prepare("SELECT * FROM webhooks WHERE removed_at IS NULL ORDER BY created_at, id"), this.earliestDue = db.prepare(`SELECT MIN(d.next_attempt_at) AS at FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
       WHERE d.status = 'pending' AND w.removed_at IS NULL`), this.addDelivery = db.prepare(`
      INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at)
      VALUES (@id, @webhookId, @eventId, @eventType, @payload, @status, @attempts, @nextAttemptAt, @createdAt)`);
  }
  insert(w) {
    this.db.prepare("INSERT INTO webhooks (id, url, events, workspace_id, created_at) VALUES (?, ?, ?, ?, ?)").run(w.id, w.url, JSON.stringify(w.events), w.workspaceId, w.createdAt);
  }
  /** A removed endpoint is found only with `includeRemoved` (its deliveries stay listable). */
  find(id, opts = {}) {
    let r = this.db.prepare(`SELECT * FROM webhooks WHERE id = ?${opts.includeRemoved ? "" : " AND removed_at IS NULL"}`).get(id);
    return r && toWebhook(r);
  }
  idsWithPrefix(prefix, opts = {}, limit = 11) {
    return this.db.prepare(`SELECT id FROM webhooks WHERE substr(id, 1, length(@prefix)) = @prefix
       ${opts.includeRemoved ? "" : "AND removed_at IS NULL"} ORDER BY id LIMIT @limit`).all({ prefix, limit }).map((r) => r.id);
  }
  list() {
    return this.active.all().map(toWebhook);
  }
  /** Marks the endpoint removed and cancels what was still to be delivered; returns how many. */
  remove(id, at) {
    return this.db.prepare("UPDATE webhooks SET removed_at = ? WHERE id = ?").run(at, id), this.db.prepare(`UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL
                            WHERE webhook_id = ? AND status = 'pending'`).run(id).changes;
  }
  insertSecret(webhookId, s) {
    this.db.prepare("INSERT INTO webhook_secrets (webhook_id, generation, secret_sealed, masked, created_at) VALUES (?, ?, ?, ?, ?)").run(webhookId, s.generation, s.sealed, s.masked, s.createdAt);
  }
  /** The secrets that sign at `now`, the current (newest) first. */
  validSecrets(webhookId, now) {
    return this.db.prepare(`SELECT * FROM webhook_secrets WHERE webhook_id = ? AND (expires_at IS NULL OR expires_at > ?)
       ORDER BY generation DESC`).all(webhookId, now).map(toSecret);
  }
  latestGeneration(webhookId) {
    return this.db.prepare("SELECT MAX(generation) AS g FROM webhook_secrets WHERE webhook_id = ?").get(webhookId)?.g ?? 0;
  }
  /**
   * First half of a rotation: a previous secret still in its grace stops signing now (at most two
   * sign at once), and the current one signs until `graceUntil`.
   */
  retireSecrets(webhookId, now, graceUntil) {
    this.db.prepare("UPDATE webhook_secrets SET expires_at = ? WHERE webhook_id = ? AND expires_at > ?").run(now, webhookId, now), this.db.prepare("UPDATE webhook_secrets SET expires_at = ? WHERE webhook_id = ? AND expires_at IS NULL").run(graceUntil, webhookId);
  }
  insertDelivery(d) {
    this.addDelivery.run(d);
  }
  /** Pending deliveries due at `now` on endpoints not removed, oldest due first. */
  due(now, limit) {
    return this.db.prepare(`
      SELECT d.* FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND w.removed_at IS NULL
      ORDER BY d.next_attempt_at, d.id LIMIT ?`).all(now, limit).map(toDelivery);
  }
  /** Moves a pending delivery's due time (a lease while an attempt runs); false if it was not pending. */
  reschedule(id, at) {
    return this.db.prepare("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND status = 'pending'").run(at, id).changes === 1;
  }
  /** The earliest time a pending delivery is due (or its lease ends), if any. */
  nextDueAt() {
    return this.earliestDue.get()?.at ?? null;
  }
  /**
   * Records one attempt and the delivery's next state. A delivery cancelled meanwhile (its endpoint
   * removed) keeps its state; the attempt is still recorded.
   */
  recordAttempt(a, next) {
    this.db.prepare("INSERT INTO webhook_attempts (delivery_id, at, code, error, duration_ms) VALUES (?, ?, ?, ?, ?)").run(a.deliveryId, a.at, a.code, a.error, a.durationMs), this.db.prepare(`UPDATE webhook_deliveries SET attempts = attempts + 1, status = ?, next_attempt_at = ?
                     WHERE id = ? AND status = 'pending'`).run(next.status, next.nextAttemptAt, a.deliveryId);
  }
  /** The newest deliveries of an endpoint first. */
  deliveriesOf(webhookId, limit) {
    return this.db.prepare("SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?").all(webhookId, limit).map(toDelivery);
  }
  attemptsOf(deliveryId) {
    return this.db.prepare("SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY id").all(deliveryId).map((r) => ({ deliveryId: r.delivery_id, at: r.at, code: r.code, error: r.error, durationMs: r.duration_ms }));
  }
};

// dist/store/keystore.js
var Keystore = class _Keystore {
  db;
  path;
  subjects;
  keys;
  audit;
  meta;
  webhooks;
  dataVersion;
  constructor(db, path) {
    this.db = db, this.path = path, this.subjects = new SubjectsRepo(db), this.keys = new KeysRepo(db), this.audit = new AuditRepo(db), this.meta = new MetaRepo(db), this.webhooks = new WebhooksRepo(db), this.dataVersion = db.prepare("PRAGMA data_version").pluck();
  }
  static open(path, opts = {}) {
    return new _Keystore(openDatabase(path, opts), path);
  }
  /** A write transaction taken with BEGIN IMMEDIATE, so concurrent writers queue on the busy timeout. */
  write(fn) {
    return this.db.transaction(fn).immediate();
  }
  /** Changes whenever another connection commits: the signal that cached records are stale. */
  changeCounter() {
    return this.dataVersion.get();
  }
  close() {
    this.db.open && this.db.close();
  }
};

// dist/store/master-key.js
import { randomBytes as randomBytes2 } from "node:crypto";
import { chmodSync as chmodSync2, existsSync as existsSync2, linkSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname as dirname3 } from "node:path";
function loadMasterKey(env, path) {
  if (env.OCTO_MASTER_KEY !== void 0 && env.OCTO_MASTER_KEY !== "")
    return decode(env.OCTO_MASTER_KEY, "OCTO_MASTER_KEY");
  try {
    return existsSync2(path) || createKeyFile(path), decode(readFileSync(path, "utf8"), path);
  } catch (err) {
    throw err instanceof OctoError ? err : new OctoError("master_key_unreadable", `cannot read or create the master key file ${path}`, {
      hint: "set OCTO_MASTER_KEY to base64 of 32 bytes (e.g. `openssl rand -base64 32`) or fix the file permissions"
    });
  }
}
function createKeyFile(path) {
  ensurePrivateDir(dirname3(path));
  let temp = tempBeside(path);
  try {
    writeFileSync(temp, randomBytes2(32).toString("base64") + `
`, { mode: 384, flag: "wx" }), chmodSync2(temp, 384), linkSync(temp, path);
  } catch (err) {
    if (err.code !== "EEXIST")
      throw err;
  } finally {
    rmSync(temp, { force: !0 });
  }
}
function decode(text, source) {
  let trimmed = text.trim(), key = Buffer.from(trimmed, "base64");
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed))
    throw new OctoError("master_key_invalid", `the master key in ${source} is not base64 of 32 bytes`, {
      hint: "set it to the output of `openssl rand -base64 32` (or the key this keystore was created with)"
    });
  return key;
}

// dist/store/paths.js
import { homedir } from "node:os";
import { join } from "node:path";
function resolveDbPath(flag, env) {
  if (flag)
    return flag;
  if (env.OCTO_DB)
    return env.OCTO_DB;
  let dataHome = env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(dataHome, "octo", "keystore.db");
}
function resolveMasterKeyPath(env) {
  let configHome = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(configHome, "octo", "master.key");
}

// dist/app/context.js
var AppContext = class {
  env;
  now;
  storeInstance;
  master;
  dbPath;
  constructor(env, dbFlag, now = Date.now) {
    this.env = env, this.now = now, this.dbPath = resolveDbPath(dbFlag, env);
  }
  get store() {
    return this.storeInstance ??= Keystore.open(this.dbPath), this.storeInstance;
  }
  /** $OCTO_ACTOR, else the OS user (SPEC §5). */
  get actor() {
    if (this.env.OCTO_ACTOR)
      return this.env.OCTO_ACTOR;
    try {
      return userInfo().username;
    } catch {
      return this.env.USER ?? "unknown";
    }
  }
  /** The master key, checked against the fingerprint the keystore recorded when it first sealed. */
  masterKey() {
    if (this.master)
      return this.master;
    let key = loadMasterKey(this.env, resolveMasterKeyPath(this.env)), fingerprint = masterKeyFingerprint(key);
    if ((this.store.meta.get("master_key_fingerprint") ?? this.store.meta.setIfAbsent("master_key_fingerprint", fingerprint)) !== fingerprint)
      throw wrongMasterKey();
    return this.master = key, key;
  }
  close() {
    this.storeInstance?.close();
  }
};

// dist/ui/prompts.js
var Prompter = class {
  tty;
  constructor(interactive) {
    this.tty = interactive;
  }
  /** Decided on first use: touching process.stdin creates its stream, which costs start-up time. */
  get interactive() {
    return this.tty ??= !!(process.stdin.isTTY && process.stdout.isTTY), this.tty;
  }
  refuse(what, flag) {
    throw new UsageError(`missing ${what}`, `pass ${flag} (octo prompts for it only on a terminal)`, "missing_argument");
  }
  async select(message, choices, missing) {
    if (this.interactive || this.refuse(missing.what, missing.flag), choices.length === 0)
      throw new OctoError("nothing_to_choose", `there is no ${missing.what.replace(/^the /, "")} to choose from`, {
        hint: `add one first (see \`octo --help\`), then pass ${missing.flag}`
      });
    let { select } = await import("@inquirer/prompts");
    return guard(() => select({ message, choices }, context()));
  }
  async input(message, missing, validate) {
    this.interactive || this.refuse(missing.what, missing.flag);
    let { input } = await import("@inquirer/prompts");
    return guard(() => input({ message, required: !0, ...validate ? { validate } : {} }, context()));
  }
  async checkbox(message, choices, missing) {
    this.interactive || this.refuse(missing.what, missing.flag);
    let { checkbox } = await import("@inquirer/prompts");
    return guard(() => checkbox({ message, choices, pageSize: 15 }, context()));
  }
  /**
   * Confirms a destructive step. `--yes` skips it; off a terminal, without `--yes`, it is a usage
   * error, never a silent yes.
   */
  async confirm(message, yes, retry) {
    if (yes)
      return !0;
    if (!this.interactive)
      throw new UsageError("refusing to do this without confirmation off a terminal", `pass --yes to confirm: \`${retry} --yes\``, "confirmation_required");
    let { confirm } = await import("@inquirer/prompts");
    return guard(() => confirm({ message, default: !1 }, context()));
  }
};
function context() {
  return { output: process.stderr };
}
async function guard(ask) {
  try {
    return await ask();
  } catch (err) {
    throw err instanceof Error && err.name === "ExitPromptError" ? new CancelledError() : err;
  }
}

// dist/cli/session.js
var Session = class {
  out;
  env;
  exitCode = 0;
  prompt = new Prompter();
  opts = {};
  appContext;
  constructor(out, env) {
    this.out = out, this.env = env;
  }
  /** Called before every action with the parsed global options. */
  configure(opts) {
    this.opts = opts;
  }
  get yes() {
    return this.opts.yes === !0;
  }
  get ctx() {
    return this.appContext ??= new AppContext(this.env, this.opts.db), this.appContext;
  }
  close() {
    this.appContext?.close();
  }
};
function act(session, handler) {
  return async (...args) => {
    let command = args[args.length - 1];
    session.configure(command.optsWithGlobals()), await handler(...args.slice(0, -1));
  };
}

export {
  SCHEMA_VERSION,
  ensurePrivateDir,
  ensurePrivateFile,
  tempBeside,
  openDatabase,
  Keystore,
  loadMasterKey,
  resolveMasterKeyPath,
  Output,
  Session,
  act
};
