import {
  newId
} from "./chunk-DHA3WOUI.js";
import {
  resolveSubjectId
} from "./chunk-RHWMYZ2G.js";
import {
  recordChange
} from "./chunk-KJ3HMBVV.js";
import {
  CHANNEL_TYPES,
  PLATFORMS,
  keyView,
  toIso
} from "./chunk-O2HUYNQ3.js";
import {
  ConflictError,
  UsageError
} from "./chunk-3TCPD4YY.js";

// dist/app/subjects.js
var ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
function checkName(name, what) {
  let trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200 || /[\u0000-\u001f\u007f]/.test(trimmed))
    throw new UsageError(`invalid ${what} name "${name}"`, "give a name of 1 to 200 printable characters");
  return trimmed;
}
function checkId(id, prefix) {
  if (id === void 0)
    return newId(prefix);
  if (!ID_PATTERN.test(id))
    throw new UsageError(`invalid id "${id}"`, 'an id is 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit');
  return id;
}
function insertUnique(what, id, name, insert) {
  try {
    insert();
  } catch (err) {
    let code = err.code ?? "";
    throw code.startsWith("SQLITE_CONSTRAINT_PRIMARYKEY") || code.startsWith("SQLITE_CONSTRAINT_UNIQUE") ? new ConflictError(`a ${what} with the id "${id}" or the name "${name}" already exists`, `choose another name (or --id), or list them with \`octo ${what === "waba" ? "wabas" : what + "s"} list\``) : err;
  }
}
function addWorkspace(ctx, input) {
  if (!PLATFORMS.includes(input.platform))
    throw new UsageError(`unknown platform "${input.platform}"`, "pass --platform intercom or --platform hubspot");
  let ws = {
    id: checkId(input.id, "ws"),
    name: checkName(input.name, "workspace"),
    platform: input.platform,
    createdAt: ctx.now()
  };
  return ctx.store.write(() => {
    insertUnique("workspace", ws.id, ws.name, () => ctx.store.subjects.addWorkspace(ws)), recordChange(ctx, "workspace.add", { subjectType: "workspace", subjectId: ws.id }, { name: ws.name, platform: ws.platform });
  }), ws;
}
function addWaba(ctx, input) {
  let waba = {
    id: checkId(input.id, "waba"),
    name: checkName(input.name, "WABA"),
    workspaceId: resolveSubjectId(ctx, "workspace", input.workspace),
    createdAt: ctx.now()
  };
  return ctx.store.write(() => {
    insertUnique("waba", waba.id, waba.name, () => ctx.store.subjects.addWaba(waba)), recordChange(ctx, "waba.add", { subjectType: "waba", subjectId: waba.id }, { name: waba.name, workspace: waba.workspaceId });
  }), waba;
}
function addChannel(ctx, input) {
  if (!CHANNEL_TYPES.includes(input.type))
    throw new UsageError(`unknown channel type "${input.type}"`, "pass --type sms, viber, telegram or whatsapp");
  let type = input.type;
  if (type === "whatsapp" && !input.waba)
    throw new UsageError("a WhatsApp channel must be attached to a WABA", "pass --waba WABA (add one with `octo wabas add NAME --workspace WS`)");
  if (type !== "whatsapp" && input.waba)
    throw new UsageError(`only WhatsApp channels belong to a WABA, not ${type} channels`, "drop --waba, or use --type whatsapp");
  let workspaceId = resolveSubjectId(ctx, "workspace", input.workspace), wabaId = input.waba ? resolveSubjectId(ctx, "waba", input.waba) : null;
  if (wabaId && ctx.store.subjects.waba(wabaId).workspaceId !== workspaceId)
    throw new UsageError(`the WABA "${input.waba}" belongs to another workspace`, "pass a WABA of the same workspace (see `octo wabas list`)");
  let channel = {
    id: checkId(input.id, "ch"),
    name: checkName(input.name, "channel"),
    workspaceId,
    type,
    wabaId,
    createdAt: ctx.now()
  };
  return ctx.store.write(() => {
    insertUnique("channel", channel.id, channel.name, () => ctx.store.subjects.addChannel(channel)), recordChange(ctx, "channel.add", { subjectType: "channel", subjectId: channel.id }, {
      name: channel.name,
      type,
      workspace: workspaceId,
      waba: wabaId
    });
  }), channel;
}
function activeKeyView(ctx, type, id) {
  let key = ctx.store.keys.activeFor(type, id);
  return key ? keyView(key, ctx.now()) : null;
}
function listWorkspaces(ctx) {
  return ctx.store.subjects.listWorkspaces().map((w) => ({
    id: w.id,
    name: w.name,
    platform: w.platform,
    created_at: toIso(w.createdAt),
    key: activeKeyView(ctx, "workspace", w.id)
  }));
}
function listWabas(ctx, filter = {}) {
  let workspaceId = filter.workspace ? resolveSubjectId(ctx, "workspace", filter.workspace) : void 0;
  return ctx.store.subjects.listWabas(workspaceId).map((b) => ({
    id: b.id,
    name: b.name,
    workspace: namedRef(ctx, "workspace", b.workspaceId),
    created_at: toIso(b.createdAt),
    key: activeKeyView(ctx, "waba", b.id)
  }));
}
function listChannels(ctx, filter = {}) {
  let workspaceId = filter.workspace ? resolveSubjectId(ctx, "workspace", filter.workspace) : void 0;
  return ctx.store.subjects.listChannels({ workspaceId }).map((c) => ({
    id: c.id,
    name: c.name,
    type: c.type,
    workspace: namedRef(ctx, "workspace", c.workspaceId),
    waba: c.wabaId ? namedRef(ctx, "waba", c.wabaId) : null,
    created_at: toIso(c.createdAt),
    key: c.wabaId ? activeKeyView(ctx, "waba", c.wabaId) : activeKeyView(ctx, "channel", c.id)
  }));
}
function namedRef(ctx, type, id) {
  let s = type === "workspace" ? ctx.store.subjects.workspace(id) : ctx.store.subjects.waba(id);
  return { id, name: s?.name ?? "" };
}

export {
  addWorkspace,
  addWaba,
  addChannel,
  listWorkspaces,
  listWabas,
  listChannels
};
