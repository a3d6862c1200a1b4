import {
  paintStatus
} from "./chunk-UO34M7ZK.js";
import {
  keyStatus
} from "./chunk-O2HUYNQ3.js";
import {
  printTable
} from "./chunk-LHQAUY5C.js";

// dist/ui/render-leaks.js
var plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
function namesOf(files, max = 5) {
  let shown = files.slice(0, max).map((f) => f.file).join(", ");
  return files.length > max ? `${shown} and ${files.length - max} more` : shown;
}
function findingAction(f) {
  return f.action ? f.action : f.status === "unknown" ? "not in this keystore" : "no longer accepted; delete it from the file";
}
async function printScanReport(out, result, dbPath, maxMiB) {
  let { findings, stats } = result;
  result.keystore || out.warn(`no keystore at ${dbPath}: nothing was looked up, so every key found is reported as unknown (pass --db or set OCTO_DB)`);
  let large = stats.skipped.filter((s) => s.reason === "too_large"), unreadable = stats.skipped.filter((s) => s.reason === "unreadable");
  large.length && out.warn(`not scanned, larger than ${maxMiB} MiB: ${namesOf(large)}`), unreadable.length && out.warn(`not scanned, could not be read: ${namesOf(unreadable)}`);
  let scanned = `${plural(stats.files - stats.binary, "file")} scanned`;
  if (findings.length === 0) {
    out.info(out.e.green("\u2714 ") + `No octo keys found (${scanned}).`);
    return;
  }
  await printTable(out, ["LOCATION", "KEY", "KEY ID", "KIND", "STATUS", "ACTION"], findings.map((f) => [
    `${f.file}:${f.line}:${f.column}`,
    f.masked,
    f.key_id ?? "\u2014",
    f.kind,
    paintStatus(out.c, f.status),
    f.accepted ? out.c.bold(findingAction(f)) : out.c.dim(findingAction(f))
  ]));
  let live = findings.filter((f) => f.accepted).length, files = new Set(findings.map((f) => f.file)).size, summary = `${plural(findings.length, "key")} found in ${plural(files, "file")} (${scanned}).`;
  out.info(live > 0 ? out.e.red("\u2716 ") + `${summary} ${live} still accepted: treat ${live === 1 ? "it" : "them"} as compromised and run the action shown.` : `${summary} None is still accepted; remove them from the files anyway.`);
}
async function printViolations(out, violations, checked, policy) {
  let rules = [
    `max-age ${policy.maxAge.text}`,
    ...policy.expiringWithin ? [`expiring-within ${policy.expiringWithin.text}`] : [],
    ...policy.unusedFor ? [`unused-for ${policy.unusedFor.text}`] : []
  ].join(", ");
  if (violations.length === 0) {
    out.info(out.e.green("\u2714 ") + `No violations: ${plural(checked, "active key")} checked (${rules}).`);
    return;
  }
  await printTable(out, ["KEY ID", "LABEL", "NAME / SUBJECT", "RULE", "DETAIL", "ACTION"], violations.map((v) => [
    v.key.id,
    v.key.label,
    v.key.name ?? v.key.subject?.name ?? "",
    `${v.rule} ${v.limit}`,
    v.detail,
    out.c.bold(v.action)
  ]));
  let keys = new Set(violations.map((v) => v.key.id)).size;
  out.info(out.e.red("\u2716 ") + `${plural(violations.length, "violation")} by ${plural(keys, "key")} (of ${plural(checked, "active key")}; ${rules}).`);
}

// dist/core/key-policy.js
function stillAccepted(key, now) {
  return key.expiresAt !== null && key.expiresAt <= now ? !1 : key.state === "active" ? !0 : key.state === "rotated" && key.graceUntil !== null && key.graceUntil > now;
}
var DAY = 86400;
function roughDuration(seconds) {
  let s = Math.max(0, Math.floor(seconds));
  return s >= DAY ? `${Math.floor(s / DAY)}d` : s >= 3600 ? `${Math.floor(s / 3600)}h` : s >= 60 ? `${Math.floor(s / 60)}m` : `${s}s`;
}
function keyBreaches(key, policy, now) {
  if (keyStatus(key, now) !== "active")
    return [];
  let breaches = [], age = (now - key.createdAt) / 1e3;
  if (age > policy.maxAge.seconds && breaches.push({ rule: "max-age", limit: policy.maxAge.text, detail: `created ${roughDuration(age)} ago` }), policy.expiringWithin !== void 0 && key.expiresAt !== null) {
    let left = (key.expiresAt - now) / 1e3;
    left <= policy.expiringWithin.seconds && breaches.push({ rule: "expiring-within", limit: policy.expiringWithin.text, detail: `expires in ${roughDuration(left)}` });
  }
  if (policy.unusedFor !== void 0) {
    let since = (now - (key.lastUsedAt ?? key.createdAt)) / 1e3;
    if (since > policy.unusedFor.seconds) {
      let detail = key.lastUsedAt === null ? `never used, created ${roughDuration(since)} ago` : `last used ${roughDuration(since)} ago`;
      breaches.push({ rule: "unused-for", limit: policy.unusedFor.text, detail });
    }
  }
  return breaches;
}

export {
  stillAccepted,
  keyBreaches,
  printScanReport,
  printViolations
};
