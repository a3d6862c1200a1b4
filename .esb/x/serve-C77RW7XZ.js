import {
  Verifier,
  bodyObject,
  errorBody,
  parseEndpoint,
  parseJsonBody,
  pathOnly
} from "./chunk-QCBOQW7N.js";
import {
  KEY_PATTERN_SOURCE,
  maskKey
} from "./chunk-SP5EZO2H.js";
import {
  newId
} from "./chunk-DHA3WOUI.js";
import "./chunk-TLRGMCEY.js";
import "./chunk-M2CEXFWY.js";
import "./chunk-O2HUYNQ3.js";
import {
  OctoError
} from "./chunk-3TCPD4YY.js";

// dist/server/handler.js
var JSON_TYPE = { "content-type": "application/json; charset=utf-8" };
function createHandler(deps) {
  return (method, rawPath, headers, bytes, peer = { loopback: !0 }) => {
    let parsed, body = () => parsed ??= parseJsonBody(bytes), path = pathOnly(rawPath);
    if (path === "/healthz" && (method === "GET" || method === "HEAD"))
      return json(200, { status: "ok" }, null, "ok");
    if (path === "/v1/keys/verify" && method === "POST")
      return verifyRoute(deps, body(), peer);
    let verdict = deps.verifier.decide(method, rawPath, credentialsOf(headers), body);
    return verdict.valid ? success(deps, verdict, body) : failure(verdict);
  };
}
function credentialsOf(headers) {
  return { octopodsAuth: values(headers["x-octopods-auth"]), authorization: values(headers.authorization) };
}
function values(v) {
  return v === void 0 ? [] : typeof v == "string" ? [v] : v;
}
function failure(verdict) {
  let response = json(verdict.status, errorBody(verdict), verdict.key?.id ?? null, verdict.reason);
  return verdict.extras.allow && (response.headers.allow = verdict.extras.allow.join(", ")), verdict.extras.retry_after !== void 0 && (response.headers["retry-after"] = String(verdict.extras.retry_after)), response;
}
function success(deps, verdict, body) {
  let key = verdict.key, route = verdict.route;
  if (route.family === "scoped")
    return json(200, { ok: !0, key_id: key.id, livemode: verdict.extras.livemode, scope: verdict.extras.scope }, key.id, "ok");
  if (route.family !== "octopods")
    return json(200, { status: "ok" }, key.id, "ok");
  let wabaId = key.subject?.id;
  if (route.success === 202) {
    let channel = verdict.channel, id = newId("msg");
    if (deps.onMessageAccepted) {
      let message = {
        id,
        workspaceId: channel.workspaceId,
        channelId: channel.id,
        channelType: channel.type,
        endpoint: route.name,
        keyId: key.id,
        at: deps.now()
      };
      notify(deps, message);
    }
    return json(202, { id, status: "queued", channel_id: channel.id }, key.id, "ok");
  }
  if (route.method === "GET")
    return json(200, { waba_id: wabaId, templates: [] }, key.id, "ok");
  if (route.method === "DELETE")
    return json(200, { name: route.param, deleted: !0, waba_id: wabaId }, key.id, "ok");
  let fields = bodyObject(body());
  return json(201, { name: fields.name, language: fields.language, status: "PENDING", waba_id: wabaId }, key.id, "ok");
}
function notify(deps, message) {
  setImmediate(() => {
    try {
      deps.onMessageAccepted(message);
    } catch (err) {
      deps.onHookError?.(err);
    }
  });
}
function verifyRoute(deps, body, peer) {
  if (!peer.loopback)
    return json(403, { error: "POST /v1/keys/verify answers clients on this machine only", code: "forbidden", reason: "not_loopback" }, null, "not_loopback");
  let fields = bodyObject(body), invalid = (field, error) => json(422, { error, code: "invalid_request", reason: "invalid_request", field }, null, "invalid_request");
  if (!fields)
    return invalid("body", 'the request body must be a JSON object: {"key": "...", "endpoint": "METHOD /path"}');
  if (typeof fields.key != "string" || fields.key === "")
    return invalid("key", "key must be a non-empty string");
  let endpoint = null;
  if (fields.endpoint !== void 0 && fields.endpoint !== null && (endpoint = typeof fields.endpoint == "string" ? parseEndpoint(fields.endpoint) : null, !endpoint))
    return invalid("endpoint", 'endpoint must be "METHOD /path", e.g. "POST /api/v1/sms/messages"');
  let channelId = fields.channel_id;
  if (channelId != null && (typeof channelId != "string" || channelId === ""))
    return invalid("channel_id", "channel_id must be a non-empty string");
  let view = deps.verifier.dryRun({ key: fields.key, endpoint, channelId: channelId ?? null });
  return json(200, view, view.key?.id ?? null, view.reason);
}
function json(status, body, keyId, reason) {
  return { status, headers: { ...JSON_TYPE }, body: JSON.stringify(body), keyId, reason };
}

// dist/server/http.js
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
var BODY_LIMIT = 1024 * 1024;
async function listen(opts) {
  let closing = !1, server = createServer({
    // Slow or stalled clients cannot hold a connection open forever.
    headersTimeout: 1e4,
    requestTimeout: 3e4,
    keepAliveTimeout: 5e3
  }, (req, res) => serveOne(req, res, opts, () => closing));
  await new Promise((resolve, reject) => {
    server.once("error", (err) => reject(listenError(err, opts))), server.listen(opts.port, opts.host, () => resolve());
  }), server.on("error", opts.onError);
  let port = server.address().port;
  return {
    url: `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${port}`,
    port,
    close: () => (closing = !0, shutdown(server))
  };
}
function serveOne(req, res, opts, closing) {
  let started = performance.now(), method = req.method ?? "GET", path = req.url ?? "/", finish = (answer) => {
    closing() && (answer.headers.connection = "close"), answer.headers["content-length"] = String(Buffer.byteLength(answer.body)), res.writeHead(answer.status, answer.headers).end(answer.body), opts.log({ method, path, status: answer.status, keyId: answer.keyId, reason: answer.reason, ms: performance.now() - started });
  };
  if (Number(req.headers["content-length"] ?? 0) > BODY_LIMIT)
    return req.resume(), finish(tooLarge());
  let chunks = [], size = 0, done = !1;
  req.on("data", (chunk) => {
    if (!done) {
      if (size += chunk.length, size > BODY_LIMIT) {
        done = !0, finish(tooLarge());
        return;
      }
      chunks.push(chunk);
    }
  }), req.on("end", () => {
    if (done)
      return;
    done = !0;
    let answer;
    try {
      let body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      answer = opts.handler(method, path, authHeaders(req.rawHeaders), body, { loopback: isLoopback(req.socket.remoteAddress) });
    } catch (err) {
      opts.onError(err), answer = plain(500, "Internal error in the verifier", "internal");
    }
    finish(answer);
  }), req.on("error", () => {
    done = !0;
  });
}
function authHeaders(raw) {
  let octopods, authorization;
  for (let i = 0; i < raw.length; i += 2) {
    let name = raw[i];
    name.length === 15 && name.toLowerCase() === "x-octopods-auth" ? (octopods ??= []).push(raw[i + 1]) : name.length === 13 && name.toLowerCase() === "authorization" && (authorization ??= []).push(raw[i + 1]);
  }
  return { "x-octopods-auth": octopods, authorization };
}
function isLoopback(address) {
  return address ? address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.") : !1;
}
function tooLarge() {
  let answer = plain(413, `Request body too large (limit ${BODY_LIMIT / 1024 / 1024} MiB)`, "payload_too_large");
  return answer.headers.connection = "close", answer;
}
function plain(status, error, code) {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({ error, code, reason: code }),
    keyId: null,
    reason: code
  };
}
function shutdown(server) {
  return new Promise((resolve) => {
    let force = setTimeout(() => server.closeAllConnections(), 1e4);
    force.unref(), server.close(() => {
      clearTimeout(force), resolve();
    }), server.closeIdleConnections();
  });
}
function listenError(err, opts) {
  let where = `${opts.host}:${opts.port}`;
  return err.code === "EADDRINUSE" ? new OctoError("port_in_use", `cannot listen on ${where}: the port is in use`, { hint: "pass another --port, or --port 0 for a free one" }) : err.code === "EACCES" ? new OctoError("port_denied", `cannot listen on ${where}: permission denied`, { hint: "use a port above 1023, e.g. --port 8787" }) : err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND" || err.code === "EAI_AGAIN" ? new OctoError("bad_host", `cannot listen on ${where}: not an address of this machine`, { hint: "use --host 127.0.0.1" }) : err;
}

// dist/server/request-log.js
var KEY_IN_TEXT = new RegExp(KEY_PATTERN_SOURCE, "g"), BACKLOG_LIMIT = 1024 * 1024, RequestLogger = class {
  stream;
  json;
  c;
  buffer = "";
  scheduled = !1;
  waitingForDrain = !1;
  dropped = 0;
  constructor(stream, json2, c) {
    this.stream = stream, this.json = json2, this.c = c;
  }
  log(entry) {
    if (this.waitingForDrain && this.buffer.length > BACKLOG_LIMIT) {
      this.dropped++;
      return;
    }
    if (this.buffer += this.format(entry) + `
`, !this.waitingForDrain) {
      if (this.buffer.length > 65536)
        return this.flush();
      this.scheduled || (this.scheduled = !0, setImmediate(() => this.flush()));
    }
  }
  flush() {
    if (this.scheduled = !1, this.dropped > 0) {
      let n = this.dropped;
      this.dropped = 0, this.buffer += (this.json ? JSON.stringify({ event: "log_dropped", lines: n }) : `(${n} request log lines dropped: stdout was not being read)`) + `
`;
    }
    if (this.buffer === "" || this.waitingForDrain)
      return;
    let text = this.buffer;
    this.buffer = "", this.stream.write(text) || (this.waitingForDrain = !0, this.stream.once("drain", () => {
      this.waitingForDrain = !1, this.flush();
    }));
  }
  /** At shutdown: everything still held is handed to the stream, which Node drains before exiting. */
  close() {
    this.waitingForDrain = !1, this.flush();
  }
  format(e) {
    let path = scrubPath(e.path), ms = Math.round(e.ms * 100) / 100, at = (/* @__PURE__ */ new Date()).toISOString();
    if (this.json)
      return JSON.stringify({ event: "request", at, method: e.method, path, status: e.status, key_id: e.keyId, reason: e.reason, ms });
    let status = e.status < 300 ? this.c.green(e.status) : e.status < 500 ? this.c.yellow(e.status) : this.c.red(e.status);
    return `${this.c.dim(at)} ${e.method} ${path} ${status} ${e.keyId ?? "-"} ${e.reason} ${ms}ms`;
  }
};
function scrubPath(raw) {
  let path = pathOnly(raw);
  return (path.length > 200 ? path.slice(0, 200) + "\u2026" : path).replace(KEY_IN_TEXT, (key) => maskKey(key));
}

// dist/server/serve.js
async function runServer(opts) {
  let { out } = opts, report = (what) => (err) => out.warn(`${what}: ${err instanceof Error ? err.message : String(err)}`), verifier = new Verifier(opts.store, opts.now, report("could not record last_used_at (will retry)")), logger = new RequestLogger(out.stdout, out.json, out.c), handler = createHandler({
    verifier,
    now: opts.now,
    ...opts.onMessageAccepted ? { onMessageAccepted: opts.onMessageAccepted } : {},
    onHookError: report("a message hook failed")
  }), server = await listen({ host: opts.host, port: opts.port, handler, log: (e) => logger.log(e), onError: report("server error") });
  out.json ? out.jsonLine({ event: "listening", url: server.url }) : out.line(`listening on ${server.url}`), isLoopbackHost(opts.host) || out.warn(`listening on ${opts.host}: other machines can reach this verifier`), out.info("Press Ctrl-C to stop."), verifier.start();
  let signal = await nextSignal();
  out.info(`${signal}: finishing in-flight requests\u2026`), await server.close(), verifier.stop(), logger.close(), out.json ? out.jsonLine({ event: "stopped", signal }) : out.info("stopped");
}
function nextSignal() {
  return new Promise((resolve) => {
    let on = (signal) => {
      process.off("SIGINT", on), process.off("SIGTERM", on), resolve(signal);
    };
    process.on("SIGINT", on), process.on("SIGTERM", on);
  });
}
function isLoopbackHost(host) {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}
export {
  runServer
};
