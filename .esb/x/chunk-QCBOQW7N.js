import {
  hashKey,
  parseKey
} from "./chunk-SP5EZO2H.js";
import {
  findResource,
  grants,
  scopeForMethod
} from "./chunk-M2CEXFWY.js";
import {
  keyLabel,
  keyView
} from "./chunk-O2HUYNQ3.js";

// dist/core/endpoints.js
var WABA_ONLY = ["waba"], CHANNEL_OR_WORKSPACE = ["channel", "workspace"];
function octopods(path, rows) {
  let byMethod = /* @__PURE__ */ new Map();
  for (let row2 of rows) {
    let expected = row2.kinds.map((k) => k === "channel" ? keyLabel("channel", row2.channelType) : keyLabel(k)).join(" or ");
    byMethod.set(row2.method, { family: "octopods", name: `${row2.method} ${path}`, expected, ...row2 });
  }
  return [path, byMethod];
}
var message = (channelType, payload, kinds) => ({
  method: "POST",
  channelType,
  kinds,
  needsChannel: !0,
  payload,
  success: 202
}), OCTOPODS = new Map([
  octopods("/api/v1/whatsapp/messages", [message("whatsapp", "whatsapp", WABA_ONLY)]),
  octopods("/api/v1/whatsapp/interactive", [message("whatsapp", "whatsapp-interactive", WABA_ONLY)]),
  octopods("/api/v1/whatsapp/templates", [
    { method: "GET", channelType: "whatsapp", kinds: WABA_ONLY, needsChannel: !1, payload: null, success: 200 },
    { method: "POST", channelType: "whatsapp", kinds: WABA_ONLY, needsChannel: !1, payload: "template", success: 201 }
  ]),
  octopods("/api/v1/sms/messages", [message("sms", "sms", CHANNEL_OR_WORKSPACE)]),
  octopods("/api/v1/viber/messages", [message("viber", "viber", CHANNEL_OR_WORKSPACE)]),
  // Broadcasts go to many recipients from one sender: the seed grants them to the Viber channel key only.
  octopods("/api/v1/viber/broadcasts", [message("viber", "viber-broadcast", ["channel"])]),
  octopods("/api/v1/telegram/messages", [message("telegram", "telegram", CHANNEL_OR_WORKSPACE)])
]), TEMPLATE_PREFIX = "/api/v1/whatsapp/templates/", DELETE_TEMPLATE = octopods(`${TEMPLATE_PREFIX}{name}`, [
  { method: "DELETE", channelType: "whatsapp", kinds: WABA_ONLY, needsChannel: !1, payload: null, success: 200 }
])[1], SERVER = {
  "/healthz": { family: "server", method: "GET", name: "GET /healthz" },
  "/v1/keys/verify": { family: "server", method: "POST", name: "POST /v1/keys/verify" }
}, READS = ["GET", "HEAD"], WRITES = ["POST", "PUT", "PATCH", "DELETE"], ALL_METHODS = [...READS, ...WRITES], PUBLISH = /^\/v1\/posts\/[^/]+\/publish\/?$/;
function inMap(byMethod, method) {
  let route = byMethod.get(method);
  return route ? { kind: "route", route } : { kind: "method_not_allowed", allow: [...byMethod.keys()] };
}
function pathOnly(rawPath) {
  let q = rawPath.search(/[?#]/);
  return q === -1 ? rawPath : rawPath.slice(0, q);
}
function matchRoute(method, rawPath) {
  let path = pathOnly(rawPath), exact = OCTOPODS.get(path);
  if (exact)
    return inMap(exact, method);
  let server = SERVER[path];
  if (server)
    return method === server.method || server.method === "GET" && method === "HEAD" ? { kind: "route", route: server } : { kind: "method_not_allowed", allow: server.method === "GET" ? READS : [server.method] };
  if (path.startsWith(TEMPLATE_PREFIX)) {
    let name = path.slice(TEMPLATE_PREFIX.length);
    if (name === "" || name.includes("/"))
      return { kind: "not_found" };
    let match = inMap(DELETE_TEMPLATE, method);
    return match.kind === "route" ? { kind: "route", route: { ...match.route, param: decodeSegment(name) } } : match;
  }
  return path.startsWith("/v1/") ? matchScoped(method, path) : { kind: "not_found" };
}
function matchScoped(method, path) {
  let end = path.indexOf("/", 4), resource = end === -1 ? path.slice(4) : path.slice(4, end), entry = findResource(resource);
  if (!entry)
    return { kind: "not_found" };
  let read = READS.includes(method);
  return !read && !WRITES.includes(method) ? { kind: "method_not_allowed", allow: entry.actions.includes("write") ? ALL_METHODS : READS } : !read && !entry.actions.includes("write") ? { kind: "method_not_allowed", allow: READS } : {
    kind: "route",
    route: {
      family: "scoped",
      method,
      name: `${method} ${path}`,
      resource,
      scope: scopeForMethod(resource, method),
      liveOnly: method === "POST" && PUBLISH.test(path)
    }
  };
}
function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
function parseEndpoint(text2) {
  let m = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(text2);
  return m ? { method: m[1].toUpperCase(), path: m[2] } : null;
}

// dist/core/outcomes.js
var INVALID_OR_EXPIRED = "Invalid or expired API key", row = (status, code, message2) => ({
  status,
  code,
  message: typeof message2 == "string" ? () => message2 : message2
}), unauthorized = (message2) => row(401, "unauthorized", message2), deprecated = (what) => row(400, "DEPRECATED_API_KEY", `This API key has been ${what}. Fetch the new key from Octopods and update your integration.`), OUTCOMES = {
  missing_key: {
    bearer: unauthorized(INVALID_OR_EXPIRED),
    octopods: unauthorized("Missing API key: send it in the X-Octopods-Auth header")
  },
  wrong_scheme: {
    bearer: unauthorized(INVALID_OR_EXPIRED),
    octopods: unauthorized("Send the API key in the X-Octopods-Auth header, with no Bearer prefix")
  },
  malformed_header: {
    bearer: unauthorized(INVALID_OR_EXPIRED),
    octopods: unauthorized("Send exactly one X-Octopods-Auth header")
  },
  malformed_key: { bearer: unauthorized(INVALID_OR_EXPIRED), octopods: unauthorized("Malformed API key") },
  unknown_key: { bearer: unauthorized(INVALID_OR_EXPIRED), octopods: unauthorized("Unknown API key") },
  wrong_key_family: {
    bearer: unauthorized(INVALID_OR_EXPIRED),
    octopods: unauthorized("This endpoint takes an Octopods API key in X-Octopods-Auth, not a bearer API key")
  },
  revoked: { bearer: unauthorized(INVALID_OR_EXPIRED), octopods: deprecated("revoked") },
  rotated: { bearer: unauthorized(INVALID_OR_EXPIRED), octopods: deprecated("rotated") },
  // Octopods keys never expire (only bearer keys take --expires-in); kept for completeness.
  expired: { bearer: unauthorized(INVALID_OR_EXPIRED), octopods: unauthorized("This API key has expired") },
  test_key_on_live_endpoint: { bearer: unauthorized(INVALID_OR_EXPIRED) },
  wrong_key_type: { bearer: row(403, "forbidden", (x) => `This endpoint needs a ${x.expected ?? "different API key"}`) },
  wrong_channel: { bearer: row(403, "forbidden", "This API key cannot send through this channel") },
  insufficient_scope: {
    bearer: row(403, "forbidden", (x) => `This API key lacks the required scope ${x.required_scope ?? ""}`.trim())
  },
  rate_limited: {
    bearer: row(429, "rate_limited", (x) => `Rate limit exceeded: retry after ${x.retry_after ?? 1} s`)
  },
  invalid_request: { bearer: row(422, "invalid_request", (x) => `Invalid request: ${x.field ?? "body"}`) },
  not_found: { bearer: row(404, "not_found", "No such endpoint") },
  method_not_allowed: {
    bearer: row(405, "method_not_allowed", (x) => `Method not allowed: use ${(x.allow ?? []).join(", ")}`)
  }
};
function outcomeFor(reason, family) {
  let entry = OUTCOMES[reason];
  return (family === "octopods" ? entry.octopods : void 0) ?? entry.bearer;
}
var FAIL_REASONS = Object.keys(OUTCOMES);

// dist/core/payload.js
var E164 = /^\+[1-9]\d{1,14}$/, problem = (field, message2) => ({ field, message: message2 });
function phone(field) {
  return (b) => {
    let v = b[field];
    return v === void 0 ? problem(field, `${field} is required`) : typeof v == "string" && E164.test(v) ? null : problem(field, `${field} must be a phone number in E.164 form, e.g. +15551234567`);
  };
}
function text(field) {
  return (b) => {
    let v = b[field];
    return v === void 0 ? problem(field, `${field} is required`) : typeof v == "string" && v.trim() !== "" ? null : problem(field, `${field} must be a non-empty string`);
  };
}
var whatsappContent = (b) => {
  if (b.template !== void 0) {
    let t = b.template;
    return isObject(t) && typeof t.name == "string" && t.name !== "" ? null : problem("template.name", "template.name must be a non-empty string");
  }
  return text("body")(b);
}, interactive = (b) => isObject(b.interactive) ? null : problem("interactive", "interactive must be an object (the buttons or list to show)"), telegramChat = (b) => {
  let v = b.chat_id;
  return v === void 0 ? problem("chat_id", "chat_id is required") : typeof v == "string" && v.trim() !== "" || typeof v == "number" && Number.isInteger(v) ? null : problem("chat_id", "chat_id must be a Telegram chat id (an integer or @channelusername)");
}, recipients = (b) => {
  let v = b.recipients;
  if (!Array.isArray(v) || v.length === 0)
    return problem("recipients", "recipients must be a non-empty array of E.164 phone numbers");
  let bad = v.findIndex((p) => typeof p != "string" || !E164.test(p));
  return bad === -1 ? null : problem(`recipients[${bad}]`, `recipients[${bad}] must be a phone number in E.164 form, e.g. +15551234567`);
}, RULES = {
  sms: [phone("destination_phone"), text("body")],
  viber: [phone("destination_phone"), text("body")],
  "viber-broadcast": [recipients, text("body")],
  telegram: [telegramChat, text("body")],
  whatsapp: [phone("destination_phone"), whatsappContent],
  "whatsapp-interactive": [phone("destination_phone"), interactive],
  template: [text("name"), text("language")]
};
function isObject(v) {
  return typeof v == "object" && v !== null && !Array.isArray(v);
}
function bodyObject(body) {
  return body.ok && isObject(body.value) ? body.value : null;
}
function parseJsonBody(bytes) {
  try {
    return { ok: !0, value: JSON.parse(typeof bytes == "string" ? bytes : Buffer.from(bytes).toString("utf8")) };
  } catch {
    return { ok: !1 };
  }
}
function checkPayload(rule, body) {
  let fields = bodyObject(body);
  if (!fields)
    return problem("body", body.ok ? "the request body must be a JSON object" : "the request body is not valid JSON");
  if (fields.channel_id !== void 0 && (typeof fields.channel_id != "string" || fields.channel_id === ""))
    return problem("channel_id", "channel_id must be a non-empty string");
  for (let check of RULES[rule]) {
    let found = check(fields);
    if (found)
      return found;
  }
  return null;
}

// dist/core/decision.js
function decideRequest(input, deps) {
  let match = matchRoute(input.method, input.path);
  if (match.kind === "not_found")
    return fail("not_found", "bearer", null, null, {});
  if (match.kind === "method_not_allowed")
    return fail("method_not_allowed", "bearer", null, null, { allow: match.allow });
  let parsed, read = () => parsed ??= input.body();
  return decideRoute(match.route, input.credentials, { kind: "request", read }, input.now, deps);
}
function decideDryRun(input, lookup) {
  let deps = { lookup, limiter: null };
  if (!input.endpoint)
    return decideKeyOnly(input.key, input.now, lookup);
  let match = matchRoute(input.endpoint.method, input.endpoint.path);
  if (match.kind === "not_found")
    return fail("not_found", "bearer", null, null, {});
  if (match.kind === "method_not_allowed")
    return fail("method_not_allowed", "bearer", null, null, { allow: match.allow });
  let credentials = match.route.family === "octopods" ? { octopodsAuth: [input.key], authorization: [] } : { octopodsAuth: [], authorization: [`Bearer ${input.key}`] };
  return decideRoute(match.route, credentials, { kind: "dry-run", channelId: input.channelId }, input.now, deps);
}
function decideRoute(route, credentials, body, now, deps) {
  switch (route.family) {
    case "octopods":
      return decideOctopods(route, credentials, body, now, deps);
    case "scoped":
      return decideScoped(route, credentials, now, deps);
    case "server":
      return ok(200, null, route, null, {});
  }
}
function decideOctopods(route, creds, body, now, deps) {
  let fam = "octopods", values = present(creds.octopodsAuth);
  if (values.length === 0)
    return fail(present(creds.authorization).length ? "wrong_scheme" : "missing_key", fam, null, route, {});
  if (values.length > 1)
    return fail("malformed_header", fam, null, route, {});
  if (/^bearer\s/i.test(values[0]))
    return fail("wrong_scheme", fam, null, route, {});
  let found = identify(values[0], deps.lookup);
  if (typeof found == "string")
    return fail(found, fam, null, route, {});
  if (found.kind === "bearer")
    return fail("wrong_key_family", fam, found, route, {});
  let stale = staleness(found, now);
  if (stale)
    return fail(stale, fam, found, route, {});
  if (!route.kinds.includes(found.kind) || found.kind === "channel" && found.channelType !== route.channelType)
    return fail("wrong_key_type", fam, found, route, { expected: route.expected });
  let channel = null, several = !1;
  if (route.needsChannel) {
    let given = body.kind === "dry-run" ? body.channelId : givenChannelId(body.read()), resolved = resolveChannel(found, route.channelType, given, deps.lookup);
    if (resolved === "wrong")
      return fail("wrong_channel", fam, found, route, {});
    resolved === "several" ? several = !0 : channel = resolved;
  }
  let limited = rateLimit(found, now, deps.limiter, route, fam);
  if (limited)
    return limited;
  if (body.kind === "request" && route.payload) {
    let parsed = body.read(), problem2 = bodyObject(parsed) ? several ? { field: "channel_id", message: `channel_id is required: this key serves several ${route.channelType} channels` } : checkPayload(route.payload, parsed) : checkPayload(route.payload, parsed);
    if (problem2)
      return fail("invalid_request", fam, found, route, { field: problem2.field }, problem2.message);
  }
  return ok(route.success, found, route, channel, channel ? { channel_id: channel.id } : {});
}
function decideScoped(route, creds, now, deps) {
  let fam = "bearer", values = present(creds.authorization);
  if (values.length === 0)
    return fail(present(creds.octopodsAuth).length ? "wrong_scheme" : "missing_key", fam, null, route, {});
  let bearer = values.length === 1 ? /^Bearer (\S+)$/.exec(values[0]) : null;
  if (!bearer)
    return fail("malformed_header", fam, null, route, {});
  let found = identify(bearer[1], deps.lookup);
  if (typeof found == "string")
    return fail(found, fam, null, route, {});
  if (found.kind !== "bearer")
    return fail("wrong_key_family", fam, found, route, {});
  let stale = staleness(found, now);
  if (stale)
    return fail(stale, fam, found, route, {});
  if (route.liveOnly && found.env !== "live")
    return fail("test_key_on_live_endpoint", fam, found, route, {});
  if (!grants(found.scopes, route.scope))
    return fail("insufficient_scope", fam, found, route, { required_scope: route.scope });
  let limited = rateLimit(found, now, deps.limiter, route, fam);
  return limited || ok(200, found, route, null, { livemode: found.env === "live", scope: route.scope });
}
function decideKeyOnly(key, now, lookup) {
  let fam = key.startsWith("octo_") ? "octopods" : "bearer", found = identify(key, lookup);
  if (typeof found == "string")
    return fail(found, fam, null, null, {});
  let family = found.kind === "bearer" ? "bearer" : "octopods", stale = staleness(found, now);
  return stale ? fail(stale, family, found, null, {}) : ok(200, found, null, null, {});
}
function identify(key, lookup) {
  let parsed = parseKey(key);
  return parsed.ok ? parsed.info.family === "webhook" ? "wrong_key_family" : lookup.findKey(hashKey(key)) ?? "unknown_key" : "malformed_key";
}
function staleness(key, now) {
  return key.state === "revoked" ? "revoked" : key.expiresAt !== null && key.expiresAt <= now ? "expired" : key.state === "rotated" && (key.graceUntil === null || key.graceUntil <= now) ? "rotated" : null;
}
function resolveChannel(key, type, given, lookup) {
  let subject = key.subject.id;
  if (given !== null) {
    let channel = lookup.channel(given);
    return !channel || channel.type !== type ? "wrong" : (key.kind === "channel" ? channel.id === subject : key.kind === "waba" ? channel.wabaId === subject : channel.workspaceId === key.workspaceId) ? channel : "wrong";
  }
  if (key.kind === "channel")
    return lookup.channel(subject) ?? "wrong";
  let owner = key.kind === "waba" ? { wabaId: subject } : { workspaceId: key.workspaceId }, candidates = lookup.channelsOf(owner, type);
  return candidates.length === 0 ? "wrong" : candidates.length === 1 ? candidates[0] : "several";
}
function givenChannelId(body) {
  let id = bodyObject(body)?.channel_id;
  return typeof id == "string" && id !== "" ? id : null;
}
function rateLimit(key, now, limiter, route, fam) {
  if (!limiter || !key.rateLimit)
    return null;
  let taken = limiter.take(key.id, key.rateLimit, now);
  return taken.ok ? null : fail("rate_limited", fam, key, route, { retry_after: taken.retryAfter });
}
function present(values) {
  return values.length === 1 && values[0] === "" ? [] : values;
}
function fail(reason, family, key, route, extras, message2) {
  let outcome = outcomeFor(reason, family);
  return {
    valid: !1,
    status: outcome.status,
    code: outcome.code,
    reason,
    message: message2 ?? outcome.message(extras),
    key,
    route,
    channel: null,
    extras
  };
}
function ok(status, key, route, channel, extras) {
  return { valid: !0, status, code: "ok", reason: "ok", message: "accepted", key, route, channel, extras };
}

// dist/core/rate-limit.js
var FixedWindowLimiter = class {
  windows = /* @__PURE__ */ new Map();
  take(keyId, limit, now) {
    let w = this.windows.get(keyId);
    return (!w || now >= w.end || now < w.start) && (!w && this.windows.size >= 1e5 && this.sweep(now), w = { start: now, end: now + limit.window_s * 1e3, count: 0 }, this.windows.set(keyId, w)), w.count >= limit.limit ? { ok: !1, retryAfter: Math.max(1, Math.ceil((w.end - now) / 1e3)) } : (w.count++, { ok: !0 });
  }
  sweep(now) {
    for (let [id, w] of this.windows)
      now >= w.end && this.windows.delete(id);
    this.windows.size >= 1e5 && this.windows.clear();
  }
};

// dist/core/verdict-view.js
function verdictView(verdict, endpoint, now) {
  return {
    valid: verdict.valid,
    status: verdict.status,
    code: verdict.code,
    reason: verdict.reason,
    message: verdict.message,
    key: verdict.key && keyView(verdict.key, now),
    endpoint,
    ...verdict.extras
  };
}
function errorBody(verdict) {
  return { error: verdict.message, code: verdict.code, reason: verdict.reason, ...verdict.extras };
}

// dist/app/keystore-lookup.js
var KeystoreLookup = class {
  store;
  version = null;
  checkedThisTurn = !1;
  keys = /* @__PURE__ */ new Map();
  channels = /* @__PURE__ */ new Map();
  owned = /* @__PURE__ */ new Map();
  constructor(store) {
    this.store = store;
  }
  /**
   * Reads data_version at most once per turn of the event loop. Every request handled in one turn
   * was read from its socket in that turn's poll, which began after any change whose `octo keys …`
   * had already returned when the client sent it; so one read per turn still sees every such change,
   * and a busy server pays one SQLite read transaction (file-lock system calls) per batch of requests
   * instead of per request.
   */
  refresh() {
    if (this.checkedThisTurn)
      return;
    this.checkedThisTurn = !0, setImmediate(() => this.checkedThisTurn = !1);
    let version = this.store.changeCounter();
    version !== this.version && (this.clear(), this.version = version);
  }
  /** Our own writes do not move data_version, so the writer clears the cache itself. */
  clear() {
    this.keys.clear(), this.channels.clear(), this.owned.clear();
  }
  findKey(hash) {
    let id = hash.toString("base64"), found = this.keys.get(id);
    return found === void 0 && (found = this.store.keys.findByHash(hash) ?? null, remember(this.keys, id, found)), found ?? void 0;
  }
  channel(id) {
    let found = this.channels.get(id);
    return found === void 0 && (found = this.store.subjects.channel(id) ?? null, remember(this.channels, id, found)), found ?? void 0;
  }
  channelsOf(owner, type) {
    let id = "wabaId" in owner ? `waba:${owner.wabaId}:${type}` : `ws:${owner.workspaceId}:${type}`, found = this.owned.get(id);
    return found === void 0 && (found = this.store.subjects.listChannels({ ...owner, type }), remember(this.owned, id, found)), found;
  }
};
function remember(map, id, value) {
  map.size >= 1e5 && map.clear(), map.set(id, value);
}

// dist/app/usage-recorder.js
var UsageRecorder = class {
  store;
  onFlushed;
  onError;
  pending = /* @__PURE__ */ new Map();
  timer = null;
  constructor(store, onFlushed = () => {
  }, onError = () => {
  }) {
    this.store = store, this.onFlushed = onFlushed, this.onError = onError;
  }
  record(keyId, at) {
    let previous = this.pending.get(keyId);
    (previous === void 0 || at > previous) && this.pending.set(keyId, at);
  }
  start(intervalMs = 1e3) {
    this.timer ??= setInterval(() => this.flush(), intervalMs), this.timer.unref();
  }
  flush() {
    if (this.pending.size === 0)
      return;
    let batch = this.pending;
    this.pending = /* @__PURE__ */ new Map();
    try {
      this.store.keys.touchLastUsed(batch), this.onFlushed();
    } catch (err) {
      for (let [id, at] of batch)
        this.record(id, at);
      this.onError(err);
    }
  }
  stop() {
    this.timer && clearInterval(this.timer), this.timer = null, this.flush();
  }
};

// dist/app/verify.js
function dryRun(lookup, request, now) {
  lookup.refresh();
  let verdict = decideDryRun({ ...request, now }, lookup), endpoint = request.endpoint && `${request.endpoint.method} ${request.endpoint.path}`;
  return verdictView(verdict, endpoint, now);
}
function verifyKey(ctx, request) {
  return dryRun(new KeystoreLookup(ctx.store), request, ctx.now());
}
var Verifier = class {
  now;
  lookup;
  limiter = new FixedWindowLimiter();
  usage;
  constructor(store, now, onFlushError = () => {
  }) {
    this.now = now, this.lookup = new KeystoreLookup(store), this.usage = new UsageRecorder(store, () => this.lookup.clear(), onFlushError);
  }
  decide(method, path, credentials, body) {
    this.lookup.refresh();
    let now = this.now(), verdict = decideRequest({ method, path, credentials, body, now }, { lookup: this.lookup, limiter: this.limiter });
    return verdict.valid && verdict.key && this.usage.record(verdict.key.id, now), verdict;
  }
  dryRun(request) {
    return dryRun(this.lookup, request, this.now());
  }
  start() {
    this.usage.start();
  }
  /** Writes the last pending `last_used_at` times. */
  stop() {
    this.usage.stop();
  }
};

export {
  pathOnly,
  parseEndpoint,
  bodyObject,
  parseJsonBody,
  errorBody,
  verifyKey,
  Verifier
};
