import {
  recordChange
} from "./chunk-KJ3HMBVV.js";
import "./chunk-O2HUYNQ3.js";
import {
  Keystore,
  SCHEMA_VERSION,
  act,
  ensurePrivateDir,
  ensurePrivateFile,
  loadMasterKey,
  openDatabase,
  resolveMasterKeyPath,
  tempBeside
} from "./chunk-WY2B4RG5.js";
import {
  masterKeyFingerprint
} from "./chunk-MMTFBEVX.js";
import {
  NotFoundError,
  OctoError
} from "./chunk-3TCPD4YY.js";

// dist/app/backup.js
import { existsSync, statSync as statSync2 } from "node:fs";
import { resolve } from "node:path";

// dist/store/backup.js
import Database from "better-sqlite3";
import { chmodSync, copyFileSync, linkSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
function summarise(db) {
  let count = (sql) => db.prepare(sql).pluck().get();
  return {
    schemaVersion: db.pragma("user_version", { simple: !0 }),
    keys: count("SELECT count(*) FROM keys"),
    subjects: count("SELECT (SELECT count(*) FROM workspaces) + (SELECT count(*) FROM wabas) + (SELECT count(*) FROM channels)"),
    auditEvents: count("SELECT count(*) FROM audit"),
    sealedSecrets: count("SELECT count(*) FROM keys WHERE secret_sealed IS NOT NULL"),
    masterKeyFingerprint: db.prepare("SELECT value FROM meta WHERE key = 'master_key_fingerprint'").pluck().get() ?? null
  };
}
function removeDb(path) {
  for (let suffix of ["", "-wal", "-shm", "-journal"])
    rmSync(path + suffix, { force: !0 });
}
async function backupKeystore(store, file, overwrite) {
  ensurePrivateDir(dirname(file));
  let temp = tempBeside(file);
  try {
    ensurePrivateFile(temp), await store.db.backup(temp, { progress: () => 2147483647 });
    let copy = new Database(temp), summary;
    try {
      copy.pragma("journal_mode = DELETE"), summary = summarise(copy);
    } finally {
      copy.close();
    }
    return chmodSync(temp, 384), overwrite ? renameSync(temp, file) : linkSync(temp, file), summary;
  } catch (err) {
    throw err.code === "EEXIST" ? backupExists(file) : err;
  } finally {
    removeDb(temp);
  }
}
function backupExists(file) {
  return new OctoError("backup_exists", `${file} already exists`, {
    hint: `choose another file, or replace it with \`octo backup ${file} --yes\``
  });
}
function openRestoreSource(file, livePath) {
  ensurePrivateDir(dirname(livePath));
  let temp = tempBeside(livePath);
  try {
    copyFileSync(file, temp), chmodSync(temp, 384);
  } catch (err) {
    removeDb(temp);
    let code = err.code;
    throw new OctoError("backup_unreadable", `cannot read ${file}${code === "ENOENT" ? ": no such file" : ""}`, {
      hint: "pass the path of a file made by `octo backup FILE`"
    });
  }
  try {
    return checkSource(temp, file), new Keystore(openDatabase(temp), temp);
  } catch (err) {
    throw removeDb(temp), err instanceof OctoError ? notABackup(file, err) : err;
  }
}
function checkSource(temp, file) {
  if (statSync(temp).size === 0)
    throw notABackup(file);
  let db;
  try {
    db = new Database(temp, { fileMustExist: !0 });
  } catch {
    throw notABackup(file);
  }
  try {
    let version = db.pragma("user_version", { simple: !0 });
    if (version === 0)
      throw notABackup(file);
    if (version > SCHEMA_VERSION)
      throw new OctoError("keystore_too_new", `${file} has schema version ${version}, newer than this octo understands (${SCHEMA_VERSION})`, {
        hint: "restore it with a newer octo (npm install -g octo@latest); octo never downgrades a keystore"
      });
    let integrity = db.pragma("integrity_check", { simple: !0 });
    if (integrity !== "ok")
      throw new OctoError("backup_corrupt", `${file} is damaged (integrity_check: ${String(integrity)})`, {
        hint: "restore an older backup"
      });
  } catch (err) {
    throw err instanceof OctoError ? err : notABackup(file);
  } finally {
    db.close();
  }
}
function notABackup(file, cause) {
  return cause && cause.code !== "keystore_invalid" ? cause : new OctoError("backup_invalid", `${file} is not an octo keystore`, {
    hint: "pass the path of a file made by `octo backup FILE`"
  });
}
async function replaceKeystore(source, livePath) {
  try {
    await source.db.backup(livePath, { progress: () => 2147483647 });
  } finally {
    discardRestoreSource(source);
  }
}
function discardRestoreSource(source) {
  source.close(), removeDb(source.path);
}

// dist/app/backup.js
function view(file, s, master) {
  return {
    file,
    schema_version: s.schemaVersion,
    keys: s.keys,
    subjects: s.subjects,
    audit_events: s.auditEvents,
    sealed_secrets: s.sealedSecrets,
    master_key: master
  };
}
function masterKeyState(ctx, fingerprint) {
  if (fingerprint === null)
    return "not_needed";
  let path = resolveMasterKeyPath(ctx.env);
  if (!ctx.env.OCTO_MASTER_KEY && !existsSync(path))
    return "missing";
  try {
    return masterKeyFingerprint(loadMasterKey(ctx.env, path)) === fingerprint ? "matches" : "differs";
  } catch {
    return "differs";
  }
}
function keystoreExists(ctx) {
  return existsSync(ctx.dbPath) && statSync2(ctx.dbPath).size > 0;
}
function backupFileExists(file) {
  return existsSync(file);
}
async function backup(ctx, file, overwrite) {
  if (!keystoreExists(ctx))
    throw new NotFoundError(`no keystore at ${ctx.dbPath}: there is nothing to back up`, "pass --db (or OCTO_DB) with the keystore to back up");
  if (!overwrite && existsSync(file))
    throw backupExists(file);
  let summary = await backupKeystore(ctx.store, file, overwrite);
  return view(resolve(file), summary, masterKeyState(ctx, summary.masterKeyFingerprint));
}
function planRestore(ctx, file) {
  let source = openRestoreSource(file, ctx.dbPath), summary = summarise(source.db);
  return { source, view: view(resolve(file), summary, masterKeyState(ctx, summary.masterKeyFingerprint)) };
}
function discardRestore(plan) {
  discardRestoreSource(plan.source);
}
async function applyRestore(ctx, plan) {
  let live = ctx.store;
  plan.source.write(() => {
    recordChange(ctx, "keystore.restore", {}, {
      file: plan.view.file,
      schema_version: plan.view.schema_version,
      keys: plan.view.keys
    }, plan.source);
  });
  let restored = { ...plan.view, audit_events: plan.view.audit_events + 1 };
  return await replaceKeystore(plan.source, live.path), restored;
}

// dist/cli/backup.js
function registerBackup(program, session) {
  let { out } = session;
  program.command("backup <file>").description("a consistent, private (0600) copy of the keystore, safe while serve and other commands run").addHelpText("after", `
Example:
  $ octo backup ~/octo-backups/keystore-$(date +%F).db

Workspace, channel and WABA keys in the backup are sealed with your master key: keep the master key
too ($OCTO_MASTER_KEY or ~/.config/octo/master.key). A backup restores usefully only with it.`).action(act(session, async (file) => {
    let overwrite = !1;
    if (backupFileExists(file) && (overwrite = await session.prompt.confirm(`${file} exists. Replace it with a new backup?`, session.yes, `octo backup ${file}`), !overwrite))
      return declined(session, "No backup written.");
    let done = await backup(session.ctx, file, overwrite);
    if (out.json)
      return out.document({ backup: done });
    out.info(out.e.green("\u2714 ") + `Backed up ${counted(done)} to ${done.file} (0600).`), masterKeyNote(out, done, "backup");
  })), program.command("restore <file>").description("replace the keystore with a backup (asks to confirm on a terminal unless --yes)").addHelpText("after", `
Example:
  $ octo restore ~/octo-backups/keystore-2025-01-31.db --yes

The file is checked first (an octo keystore, a schema this octo understands, integrity) and left
untouched. Everything recorded since the backup was taken is replaced; the restore itself is
recorded in the audit log. Sealed keys open only with the master key of the backup.`).action(act(session, async (file) => {
    let plan = planRestore(session.ctx, file);
    try {
      if (keystoreExists(session.ctx) && !await session.prompt.confirm(`Replace the keystore ${session.ctx.dbPath} with ${plan.view.file} (${plan.view.keys} keys)? Changes since that backup are lost.`, session.yes, `octo restore ${file}`))
        return declined(session, "Nothing restored.");
      let done = await applyRestore(session.ctx, plan);
      if (out.json)
        return out.document({ restore: done });
      out.info(out.e.green("\u2714 ") + `Restored ${counted(done)} from ${done.file} into ${session.ctx.dbPath}.`), masterKeyNote(out, done, "restore");
    } finally {
      discardRestore(plan);
    }
  }));
}
var plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
function counted(v) {
  return `${plural(v.keys, "key")}, ${plural(v.subjects, "subject")} and ${plural(v.audit_events, "audit event")}`;
}
function declined(session, message) {
  session.out.info(message), session.exitCode = 1;
}
function masterKeyNote(out, done, verb) {
  if (done.master_key === "not_needed")
    return;
  let sealed = `${plural(done.sealed_secrets, "sealed key")} (workspace, channel, WABA)`;
  if (done.master_key === "matches") {
    out.info(verb === "backup" ? `The ${sealed} in it open only with your master key: keep the master key as well as the backup.` : `The ${sealed} open with your current master key.`);
    return;
  }
  out.warn(`the ${sealed} open only with the master key of that keystore, which is ${done.master_key === "missing" ? "not configured here" : "not your current one"}; set OCTO_MASTER_KEY (or ~/.config/octo/master.key) to it to copy them.`);
}
export {
  registerBackup
};
