import {
  toIso
} from "./chunk-O2HUYNQ3.js";

// dist/app/audit.js
function recordChange(ctx, action, target, detail = null, store = ctx.store) {
  store.audit.record({
    at: ctx.now(),
    actor: ctx.actor,
    action,
    keyId: target.keyId ?? null,
    subjectType: target.subjectType ?? null,
    subjectId: target.subjectId ?? null,
    detail
  });
}
function listAudit(ctx, filter) {
  let since = filter.sinceSeconds === void 0 ? void 0 : ctx.now() - filter.sinceSeconds * 1e3;
  return ctx.store.audit.list({ keyId: filter.keyId, since }).map((e) => ({
    at: toIso(e.at),
    actor: e.actor,
    action: e.action,
    key_id: e.keyId,
    subject: e.subjectType && e.subjectId ? { type: e.subjectType, id: e.subjectId } : null,
    detail: e.detail
  }));
}

export {
  recordChange,
  listAudit
};
