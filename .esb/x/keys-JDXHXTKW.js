import {
  copyToClipboard
} from "./chunk-ZWJUYL6G.js";
import {
  printKeyDetails,
  printKeyTable
} from "./chunk-UO34M7ZK.js";
import {
  generateKey,
  hashKey,
  maskKey,
  prefixFor
} from "./chunk-SP5EZO2H.js";
import {
  listChannels,
  listWabas,
  listWorkspaces
} from "./chunk-SGX5RI3K.js";
import {
  newId
} from "./chunk-DHA3WOUI.js";
import "./chunk-TLRGMCEY.js";
import {
  ADMIN_SCOPE,
  ALL_SCOPES,
  normaliseScopes,
  validateScopes
} from "./chunk-M2CEXFWY.js";
import {
  parseDuration,
  parseRateLimit
} from "./chunk-FETB42K4.js";
import {
  resolveKeyId,
  resolveSubjectId
} from "./chunk-RHWMYZ2G.js";
import {
  recordChange
} from "./chunk-KJ3HMBVV.js";
import {
  KEY_KINDS,
  KEY_STATUSES,
  keyStatus,
  keyView,
  toIso
} from "./chunk-O2HUYNQ3.js";
import {
  act
} from "./chunk-WY2B4RG5.js";
import {
  open,
  seal
} from "./chunk-MMTFBEVX.js";
import {
  ConflictError,
  OctoError,
  UsageError
} from "./chunk-3TCPD4YY.js";
import "./chunk-LHQAUY5C.js";

// dist/app/keys.js
var SUBJECT_OF = { workspace: "workspace", channel: "channel", waba: "waba" };
function createKey(ctx, input) {
  if (input.kind === "bearer") {
    let name = input.name.trim();
    if (!name || name.length > 200)
      throw new UsageError("a bearer key needs a name of 1 to 200 characters", 'pass --name NAME, e.g. --name "Production Server"');
    let scopes = normaliseScopes(validateScopes(input.scopes ?? [])), now = ctx.now();
    return issue(ctx, {
      kind: "bearer",
      name,
      env: input.test ? "test" : "live",
      subjectType: null,
      subjectId: null,
      scopes,
      rateLimit: input.rateLimit ?? null,
      createdAt: now,
      expiresAt: input.expiresInSeconds === void 0 ? null : now + input.expiresInSeconds * 1e3,
      replaces: null
    }, "key.create");
  }
  let subjectType = SUBJECT_OF[input.kind], ref = input.kind === "workspace" ? input.workspace : input.kind === "channel" ? input.channel : input.waba, subjectId = resolveSubjectId(ctx, subjectType, ref);
  if (input.kind === "channel") {
    let channel = ctx.store.subjects.channel(subjectId);
    if (channel.type === "whatsapp")
      throw new OctoError("wrong_kind", `"${channel.name}" is a WhatsApp number: it takes its WABA's key, not a channel key`, {
        hint: `create or copy the WhatsApp Business API Key with \`octo keys create waba --waba ${channel.wabaId}\``
      });
  }
  return issue(ctx, {
    kind: input.kind,
    name: null,
    env: null,
    subjectType,
    subjectId,
    scopes: null,
    rateLimit: input.rateLimit ?? null,
    createdAt: ctx.now(),
    expiresAt: null,
    replaces: null
  }, "key.create");
}
function issue(ctx, shape, action, hooks = {}) {
  let id = newId("key"), secret = generateKey(prefixFor(shape.kind, shape.env)), sealed = shape.kind === "bearer" ? null : seal(ctx.masterKey(), secret, id);
  return ctx.store.write(() => {
    hooks.before?.();
    try {
      ctx.store.keys.insert({ ...shape, id, hash: hashKey(secret), secretSealed: sealed, masked: maskKey(secret) });
    } catch (err) {
      throw (err.code ?? "") === "SQLITE_CONSTRAINT_UNIQUE" && shape.subjectType && shape.subjectId ? alreadyHasKey(ctx, shape.subjectType, shape.subjectId) : err;
    }
    recordChange(ctx, action, { keyId: id, subjectType: shape.subjectType, subjectId: shape.subjectId }, {
      kind: shape.kind,
      ...shape.name ? { name: shape.name } : {},
      ...shape.env ? { env: shape.env } : {},
      ...shape.kind === "bearer" ? { scopes: shape.scopes } : {},
      ...shape.replaces ? { replaces: shape.replaces } : {}
    }), hooks.after?.(id);
  }), { key: ctx.store.keys.findById(id), secret };
}
function alreadyHasKey(ctx, type, subjectId) {
  let existing = ctx.store.keys.activeFor(type, subjectId), id = existing?.id ?? "KEY_ID";
  return new ConflictError(`the ${type} "${existing?.subject?.name ?? subjectId}" already has an active key (${id}); there is at most one per ${type}`, `copy it with \`octo keys copy ${id}\`, or replace it with \`octo keys rotate ${id}\``);
}
function getKey(ctx, ref) {
  return ctx.store.keys.findById(resolveKeyId(ctx, ref));
}
function* listKeys(ctx, filter) {
  let workspaceId = filter.workspace ? resolveSubjectId(ctx, "workspace", filter.workspace) : void 0, states = filter.status === void 0 ? void 0 : filter.status === "expired" ? ["active"] : [filter.status], now = ctx.now();
  for (let key of ctx.store.keys.iterate({ kind: filter.kind, states, workspaceId })) {
    let view = keyView(key, now);
    (filter.status === void 0 || view.status === filter.status) && (yield view);
  }
}
function revealKey(ctx, ref) {
  let key = getKey(ctx, ref), sealed = ctx.store.keys.sealedSecret(key.id);
  if (key.kind === "bearer" || sealed === null)
    throw new OctoError("not_retrievable", `${key.id} is a bearer key: it was shown once, at creation, and octo does not keep it`, {
      hint: `issue a replacement with \`octo keys rotate ${key.id}\``
    });
  return { key, secret: open(ctx.masterKey(), sealed, key.id) };
}
function scopeKey(ctx, ref, change) {
  let id = resolveKeyId(ctx, ref), add = validateScopes(change.add ?? []), remove = validateScopes(change.remove ?? []);
  return ctx.store.write(() => {
    let key = ctx.store.keys.findById(id), next = nextScopes(key, { add, remove, fullAccess: change.fullAccess === !0 });
    ctx.store.keys.setScopes(key.id, next), recordChange(ctx, "key.scope", { keyId: key.id }, { before: key.scopes, after: next });
  }), ctx.store.keys.findById(id);
}
function nextScopes(key, change) {
  let { add, remove } = change;
  if (key.kind !== "bearer")
    throw new OctoError("wrong_kind", `${key.id} is a ${key.kind} key: its scope is its ${key.kind}, not a list of scopes`, {
      hint: "scopes apply to bearer keys (`octo keys list --kind bearer`)"
    });
  if (!change.fullAccess && add.length === 0 && remove.length === 0)
    throw new UsageError("nothing to change", "pass --add SCOPE, --remove SCOPE or --full-access");
  if (change.fullAccess || add.includes(ADMIN_SCOPE))
    return null;
  if (key.scopes === null && remove.length > 0)
    throw new UsageError(`${key.id} has full access: there is no scope to remove`, `narrow it to what it needs with --add, e.g. \`octo keys scope ${key.id} --add posts:read\``);
  let set = /* @__PURE__ */ new Set([...key.scopes ?? [], ...add]);
  for (let s of remove)
    set.delete(s);
  if (set.size === 0)
    throw new UsageError("removing every scope would give the key full access", `say so with \`octo keys scope ${key.id} --full-access\`, or revoke it with \`octo keys revoke ${key.id}\``);
  return normaliseScopes([...set]);
}
function rotateKey(ctx, ref, graceSeconds = 0) {
  let old = getKey(ctx, ref), now = ctx.now();
  if (old.state !== "active")
    throw notRotatable(old, now);
  return { ...issue(ctx, {
    kind: old.kind,
    name: old.name,
    env: old.env,
    subjectType: old.subject?.type ?? null,
    subjectId: old.subject?.id ?? null,
    scopes: old.scopes,
    rateLimit: old.rateLimit,
    createdAt: now,
    expiresAt: old.expiresAt === null ? null : now + (old.expiresAt - old.createdAt),
    replaces: old.id
  }, "key.rotate", {
    before: () => {
      if (!ctx.store.keys.retire(old.id, now + graceSeconds * 1e3))
        throw notRotatable(getKey(ctx, old.id), now);
    },
    after: (successor) => ctx.store.keys.linkSuccessor(old.id, successor)
  }), replaced: ctx.store.keys.findById(old.id) };
}
function notRotatable(key, now) {
  return new ConflictError(`${key.id} is ${keyStatus(key, now)}${key.replacedBy ? ` (replaced by ${key.replacedBy})` : ""}: only an active or expired key can be rotated`, key.replacedBy ? `rotate its successor: \`octo keys rotate ${key.replacedBy}\`` : "create a new key with `octo keys create`");
}
function revokeKey(ctx, ref, reason) {
  let key = getKey(ctx, ref), alreadyRevoked = () => new ConflictError(`${key.id} is already revoked`, "list active keys with `octo keys list --status active`");
  if (key.state === "revoked")
    throw alreadyRevoked();
  return ctx.store.write(() => {
    if (!ctx.store.keys.revoke(key.id, ctx.now(), reason))
      throw alreadyRevoked();
    recordChange(ctx, "key.revoke", { keyId: key.id, subjectType: key.subject?.type, subjectId: key.subject?.id }, reason ? { reason } : null);
  }), ctx.store.keys.findById(key.id);
}

// dist/cli/keys.js
var collect = (value, previous) => [...previous, value];
function registerKeys(keys, session) {
  let { out } = session;
  keys.command("create [kind]").description("create a key: workspace, channel, waba or bearer (asks on a terminal when something is missing)").option("--workspace <ws>", "workspace id or name (kind workspace)").option("--channel <ch>", "channel id or name (kind channel: sms, viber or telegram)").option("--waba <waba>", "WABA id or name (kind waba)").option("--name <name>", "a descriptive name (kind bearer, required)").option("--scope <scope>", "a scope, repeatable or comma-separated (bearer; none = full access)", collect, []).option("--test", "a test key (oct_test_) instead of a live one (bearer)").option("--expires-in <duration>", "expire after DURATION, e.g. 90d (bearer)").option("--rate-limit <n/window>", "at most N requests per window, e.g. 100/1m").addHelpText("after", `
Examples:
  $ octo keys create workspace --workspace Acme
  $ octo keys create channel --channel "Support line"
  $ octo keys create waba --waba "Acme WABA"
  $ octo keys create bearer --name "Production Server" --scope posts:read --scope posts:write --expires-in 90d

The whole key is printed once on stdout; bearer keys cannot be shown again.`).action(act(session, async (kindArg, opts) => {
    let input = await createInput(session, kindArg, opts), issued = createKey(session.ctx, input), view = keyView(issued.key, session.ctx.now());
    if (out.json)
      return out.document({ key: view, secret: issued.secret });
    out.info(out.e.green("\u2714 ") + `Created ${view.label} ${out.e.bold(view.id)}` + (view.subject ? ` for ${view.subject.type} ${view.subject.name}` : ` "${view.name}"`)), out.line(issued.secret), out.info(view.kind === "bearer" ? out.e.yellow("This is the only time this key is shown. Store it in a secrets manager now.") : `Copy it again any time with \`octo keys copy ${view.id}\`.`);
  })), keys.command("list").description("list keys (masked, never the secret)").option("--kind <kind>", `only this kind: ${KEY_KINDS.join(", ")}`).option("--status <status>", `only this status: ${KEY_STATUSES.join(", ")}`).option("--workspace <ws>", "only keys of this workspace and its channels and WABAs").action(act(session, async (opts) => {
    let kind = oneOf(opts.kind, KEY_KINDS, "--kind"), status = oneOf(opts.status, KEY_STATUSES, "--status"), found = listKeys(session.ctx, { kind, status, workspace: opts.workspace });
    out.json ? await out.streamDocument("keys", found) : await printKeyTable(out, found);
  })), keys.command("show <key-id>").description("one key in detail (id or unique id prefix)").action(act(session, (ref) => {
    let key = getKey(session.ctx, ref), view = keyView(key, session.ctx.now());
    if (out.json)
      return out.document({ key: view });
    printKeyDetails(out, view, { reason: key.revokedReason, graceUntil: toIso(key.graceUntil) });
  })), keys.command("copy <key-id>").description("copy a workspace, channel or WABA key to the clipboard (bearer keys are shown only once)").option("--print", "write the key to stdout instead").action(act(session, async (ref, opts) => {
    let { key, secret } = revealKey(session.ctx, ref);
    if (opts.print)
      return out.json ? out.document({ key: keyView(key, session.ctx.now()), secret }) : out.line(secret);
    if (await copyToClipboard(secret, `octo keys copy ${key.id} --print`), out.json)
      return out.document({ key: keyView(key, session.ctx.now()), copied: !0 });
    out.info(out.e.green("\u2714 ") + `Copied ${key.masked} to the clipboard.`);
  })), keys.command("scope <key-id>").description("change a bearer key's scopes").option("--add <scope>", "grant a scope (repeatable)", collect, []).option("--remove <scope>", "withdraw a scope (repeatable)", collect, []).option("--full-access", "drop every restriction").addHelpText("after", `
Example:
  $ octo keys scope key_4fQ --add posts:write --remove accounts:read`).action(act(session, (ref, opts) => {
    let key = scopeKey(session.ctx, ref, {
      add: opts.add,
      remove: opts.remove,
      fullAccess: opts.fullAccess === !0
    }), view = keyView(key, session.ctx.now());
    if (out.json)
      return out.document({ key: view });
    out.info(out.e.green("\u2714 ") + `${view.id} now has ${view.scopes === null ? "full access" : "the scopes " + view.scopes.join(", ")}.`);
  })), keys.command("rotate <key-id>").description("issue a successor with the same subject and scopes, and retire the old key").option("--grace <duration>", "keep accepting the old key for DURATION, e.g. 24h (default: none)").action(act(session, (ref, opts) => {
    let grace = opts.grace ? parseDuration(opts.grace, "--grace") : 0, rotated = rotateKey(session.ctx, ref, grace), now = session.ctx.now(), view = keyView(rotated.key, now);
    if (out.json)
      return out.document({ key: view, secret: rotated.secret, replaced: keyView(rotated.replaced, now) });
    out.info(out.e.green("\u2714 ") + `Rotated ${rotated.replaced.id} \u2192 ${out.e.bold(view.id)} (${view.label})`), out.line(rotated.secret), out.info(grace > 0 ? `The old key is accepted until ${toIso(rotated.replaced.graceUntil)}; update your integration before then.` : "The old key is no longer accepted; update your integration now.");
  })), keys.command("revoke <key-id>").description("revoke a key at once (asks to confirm on a terminal unless --yes)").option("--reason <text>", "why, for the audit log").action(act(session, async (ref, opts) => {
    let key = getKey(session.ctx, ref);
    if (!await session.prompt.confirm(`Revoke ${key.id} (${key.masked})? Integrations using it stop working at once.`, session.yes, `octo keys revoke ${key.id}`)) {
      out.info("Nothing revoked."), session.exitCode = 1;
      return;
    }
    let revoked = revokeKey(session.ctx, key.id, opts.reason ?? null), view = keyView(revoked, session.ctx.now());
    if (out.json)
      return out.document({ key: view });
    out.info(out.e.green("\u2714 ") + `Revoked ${view.id} (${view.masked}).`);
  }));
}
function oneOf(value, allowed, flag) {
  if (value === void 0 || allowed.includes(value))
    return value;
  throw new UsageError(`invalid ${flag} "${value}"`, `pass one of: ${allowed.join(", ")}`);
}
async function createInput(session, kindArg, opts) {
  let { prompt } = session, rateLimit = opts.rateLimit ? parseRateLimit(opts.rateLimit) : void 0, expiresIn = opts.expiresIn ? parseDuration(opts.expiresIn, "--expires-in") : void 0, kind = kindArg ? oneOf(kindArg, KEY_KINDS, "kind") : await prompt.select("Which kind of key?", [
    { name: "Workspace API Key (one workspace)", value: "workspace" },
    { name: "Channel API Key (one SMS, Viber or Telegram channel)", value: "channel" },
    { name: "WhatsApp Business API Key (one WABA)", value: "waba" },
    { name: "Bearer API Key (scoped)", value: "bearer" }
  ], { what: "the kind of key", flag: "a kind: `octo keys create workspace|channel|waba|bearer`" }), ctx = session.ctx;
  switch (kind) {
    case "workspace": {
      let workspace = opts.workspace ?? await prompt.select("Which workspace?", listWorkspaces(ctx).map((w) => ({ name: `${w.name} (${w.id})`, value: w.id })), { what: "the workspace", flag: "--workspace WS" });
      return { kind, workspace, ...rateLimit ? { rateLimit } : {} };
    }
    case "channel": {
      let channel = opts.channel ?? await prompt.select("Which channel?", listChannels(ctx).filter((c) => c.type !== "whatsapp").map((c) => ({ name: `${c.name} (${c.type}, ${c.id})`, value: c.id })), { what: "the channel", flag: "--channel CH" });
      return { kind, channel, ...rateLimit ? { rateLimit } : {} };
    }
    case "waba": {
      let waba = opts.waba ?? await prompt.select("Which WABA?", listWabas(ctx).map((b) => ({ name: `${b.name} (${b.id})`, value: b.id })), { what: "the WABA", flag: "--waba WABA" });
      return { kind, waba, ...rateLimit ? { rateLimit } : {} };
    }
    case "bearer": {
      let name = opts.name ?? await prompt.input('Name of the key (e.g. "Production Server"):', { what: "the key name", flag: "--name NAME" }), scopes = opts.scope;
      return scopes.length === 0 && prompt.interactive && opts.name === void 0 && (scopes = await prompt.checkbox("Scopes (none selected = full access):", ALL_SCOPES.map((s) => ({ name: s, value: s })), { what: "scopes", flag: "--scope" })), {
        kind,
        name,
        scopes,
        test: opts.test === !0,
        ...expiresIn !== void 0 ? { expiresInSeconds: expiresIn } : {},
        ...rateLimit ? { rateLimit } : {}
      };
    }
  }
}
export {
  registerKeys
};
