import {
  formatDuration
} from "./chunk-FETB42K4.js";
import {
  printTable
} from "./chunk-LHQAUY5C.js";

// dist/ui/render-keys.js
function paintStatus(c, status) {
  switch (status) {
    case "active":
      return c.green(status);
    case "rotated":
      return c.yellow(status);
    case "expired":
      return c.magenta(status);
    default:
      return c.red(status);
  }
}
function subjectText(key) {
  return key.subject ? `${key.subject.type} ${key.subject.name} (${key.subject.id})` : "account";
}
function scopesText(key) {
  return key.kind !== "bearer" ? "\u2014" : key.scopes === null ? "full access" : key.scopes.join(", ");
}
var day = (iso, none) => iso ? iso.replace("T", " ").slice(0, 16) + "Z" : none;
async function printKeyTable(out, keys) {
  let rows = [];
  for (let k of keys)
    rows.push([
      k.id,
      k.label,
      k.name ?? (k.subject ? `${k.subject.name}` : ""),
      k.env ?? "\u2014",
      paintStatus(out.c, k.status),
      k.masked,
      scopesText(k),
      day(k.created_at, ""),
      day(k.last_used_at, "never")
    ]);
  return rows.length === 0 ? (out.info("No keys match. Create one with `octo keys create`."), 0) : (await printTable(out, ["ID", "LABEL", "NAME / SUBJECT", "ENV", "STATUS", "KEY", "SCOPES", "CREATED", "LAST USED"], rows), rows.length);
}
function printKeyDetails(out, key, extra = {}) {
  let c = out.c, rows = [
    ["label", key.label],
    ...key.name ? [["name", key.name]] : [],
    ["subject", subjectText(key)],
    ...key.env ? [["env", key.env]] : [],
    ["status", paintStatus(c, key.status)],
    ["key", key.masked],
    ["scopes", scopesText(key)],
    ["created", day(key.created_at, "")],
    ["expires", day(key.expires_at, "never")],
    ["last used", day(key.last_used_at, "never")],
    ["rate limit", key.rate_limit ? `${key.rate_limit.limit} per ${formatDuration(key.rate_limit.window_s)}` : "none"]
  ];
  key.revoked_at && rows.push(["revoked", day(key.revoked_at, "") + (extra.reason ? ` (${extra.reason})` : "")]), key.replaced_by && rows.push(["replaced by", key.replaced_by + (extra.graceUntil ? `, accepted until ${day(extra.graceUntil, "")}` : "")]), key.replaces && rows.push(["replaces", key.replaces]), out.line(c.bold(key.id));
  for (let [name, value] of rows)
    out.line(`  ${c.dim(name.padEnd(11))} ${value}`);
}

export {
  paintStatus,
  printKeyTable,
  printKeyDetails
};
