import {
  UsageError
} from "./chunk-3TCPD4YY.js";

// dist/core/scopes.js
var RW = ["read", "write"], RESOURCES = [
  ...["posts", "accounts", "presets", "webhooks"].map((r) => ({ resource: r, source: "Octopost", actions: RW })),
  ...[
    "actions",
    "autopilot",
    "blocklist",
    "chat-sessions",
    "contacts",
    "crawl",
    "csat",
    "email",
    "handoff-analytics",
    "help-center",
    "insights",
    "office-hours",
    "org",
    "phone",
    "redaction",
    "sequences",
    "sip",
    "tags",
    "teams",
    "training",
    "whatsapp",
    "widget",
    "workflows"
  ].map((r) => ({
    resource: r,
    source: "OpenCX",
    actions: r === "handoff-analytics" ? ["read"] : RW
  })),
  ...["bots", "integrations", "channels", "conversations", "agent-loops"].map((r) => ({
    resource: r,
    source: "Chatbot Platform",
    actions: RW
  }))
], ADMIN_SCOPE = "admin", RESOURCE_BY_NAME = new Map(RESOURCES.map((r) => [r.resource, r])), ALL_SCOPES = [
  ...RESOURCES.flatMap((r) => r.actions.map((a) => `${r.resource}:${a}`)),
  ADMIN_SCOPE
], SCOPE_SET = new Set(ALL_SCOPES);
function findResource(resource) {
  return RESOURCE_BY_NAME.get(resource);
}
function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      let tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1)), prev = tmp;
    }
  }
  return row[b.length];
}
function nearestScope(scope) {
  let best = ALL_SCOPES[0], bestDistance = 1 / 0;
  for (let candidate of ALL_SCOPES) {
    let d = distance(scope.toLowerCase(), candidate);
    d < bestDistance && (best = candidate, bestDistance = d);
  }
  return best;
}
function validateScopes(scopes) {
  let out = [];
  for (let raw of scopes)
    for (let scope of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
      if (!SCOPE_SET.has(scope)) {
        let near = nearestScope(scope);
        throw new UsageError(`unknown scope "${scope}"; did you mean "${near}"?`, "run `octo scopes list` for the catalog", "invalid_scope");
      }
      out.includes(scope) || out.push(scope);
    }
  return out;
}
function normaliseScopes(scopes) {
  return scopes === null || scopes.length === 0 || scopes.includes(ADMIN_SCOPE) ? null : [...scopes].sort();
}
function scopeForMethod(resource, method) {
  return `${resource}:${method === "GET" || method === "HEAD" ? "read" : "write"}`;
}
function grants(scopes, required) {
  return scopes === null || scopes.includes(required) || scopes.includes(ADMIN_SCOPE);
}

export {
  RESOURCES,
  ADMIN_SCOPE,
  ALL_SCOPES,
  findResource,
  validateScopes,
  normaliseScopes,
  scopeForMethod,
  grants
};
