import {
  NotFoundError,
  UsageError
} from "./chunk-3TCPD4YY.js";

// dist/app/resolve.js
var SUBJECT_WORDS = {
  workspace: { plural: "workspaces", flag: "--workspace" },
  waba: { plural: "wabas", flag: "--waba" },
  channel: { plural: "channels", flag: "--channel" }
};
function resolveSubjectId(ctx, type, ref) {
  let { exact, byPrefix } = ctx.store.subjects.findRef(type, ref);
  if (exact)
    return exact.id;
  let words = SUBJECT_WORDS[type];
  if (byPrefix.length === 1)
    return byPrefix[0].id;
  throw byPrefix.length > 1 ? new UsageError(`"${ref}" matches several ${words.plural}: ${byPrefix.map((s) => `${s.id} (${s.name})`).join(", ")}`, `pass more of the id to ${words.flag}`, "ambiguous_id") : new NotFoundError(`no ${type} "${ref}"`, `list them with \`octo ${words.plural} list\``);
}
function resolveKeyId(ctx, ref) {
  let ids = ctx.store.keys.idsWithPrefix(ref);
  if (ids.includes(ref))
    return ref;
  if (ids.length === 1)
    return ids[0];
  if (ids.length > 1) {
    let shown = ids.slice(0, 10).join(", ") + (ids.length > 10 ? ", \u2026" : "");
    throw new UsageError(`"${ref}" matches several keys: ${shown}`, "pass more characters of the key id", "ambiguous_id");
  }
  throw new NotFoundError(`no key with id "${ref}"`, "list key ids with `octo keys list`");
}

export {
  resolveSubjectId,
  resolveKeyId
};
