import {
  generateKey,
  maskKey,
  prefixFor
} from "./chunk-SP5EZO2H.js";
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
  toIso
} from "./chunk-O2HUYNQ3.js";
import {
  open,
  seal
} from "./chunk-MMTFBEVX.js";
import {
  NotFoundError,
  UsageError
} from "./chunk-3TCPD4YY.js";

// dist/core/retry-policy.js
var DEFAULT_RETRY_POLICY = { retries: 5, baseMs: 1e3, maxMs: 6e4 };
function backoffDelay(attempt, policy, random = Math.random) {
  let step = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + step / 2 * random());
}
function nextStep(attempt, ok, policy, random) {
  return ok ? { status: "succeeded" } : attempt > policy.retries ? { status: "failed" } : { status: "pending", delayMs: backoffDelay(attempt, policy, random) };
}
function isSuccess(code) {
  return code !== null && code >= 200 && code < 300;
}

// dist/core/webhook-events.js
var MESSAGE_EVENTS = ["message.queued", "message.sent", "message.delivered"], TEST_EVENT = "webhook.test", EVENT_TYPES = [...MESSAGE_EVENTS, TEST_EVENT];
function parseEventList(text) {
  if (text === void 0)
    return [...MESSAGE_EVENTS];
  let items = text.split(",").map((s) => s.trim()).filter(Boolean), unknown = items.filter((e) => !MESSAGE_EVENTS.includes(e));
  if (items.length === 0 || unknown.length > 0)
    throw new UsageError(items.length === 0 ? "no event given to --events" : `unknown event "${unknown[0]}"`, `pass a comma list of ${MESSAGE_EVENTS.join(", ")} (default: all of them)`, "invalid_event");
  return MESSAGE_EVENTS.filter((e) => items.includes(e));
}
function parseEventType(text) {
  if (text === void 0)
    return TEST_EVENT;
  if (EVENT_TYPES.includes(text))
    return text;
  throw new UsageError(`unknown event "${text}"`, `pass --event with one of ${EVENT_TYPES.join(", ")}`, "invalid_event");
}
var STATUS_OF = {
  "message.queued": "queued",
  "message.sent": "sent",
  "message.delivered": "delivered"
};
function messageEvent(type, m, at) {
  return {
    id: newId("evt"),
    type,
    created: Math.floor(at / 1e3),
    data: {
      message_id: m.id,
      status: STATUS_OF[type],
      workspace_id: m.workspaceId,
      channel_id: m.channelId,
      channel_type: m.channelType,
      endpoint: m.endpoint,
      key_id: m.keyId,
      accepted_at: new Date(m.at).toISOString()
    }
  };
}
function testEvent(type, webhookId, workspaceId, at) {
  if (type === TEST_EVENT)
    return { id: newId("evt"), type, created: Math.floor(at / 1e3), data: { webhook_id: webhookId, test: !0 } };
  let event = messageEvent(type, {
    id: "msg_test",
    workspaceId: workspaceId ?? "ws_test",
    channelId: "ch_test",
    channelType: "sms",
    endpoint: "POST /api/v1/sms/messages",
    keyId: "key_test",
    at
  }, at);
  return { ...event, data: { ...event.data, test: !0 } };
}

// dist/core/webhook-signature.js
import { createHmac, timingSafeEqual } from "node:crypto";
var SIGNATURE_HEADER = "X-Octo-Signature", DEFAULT_TOLERANCE_S = 300;
function hmac(secret, t, rawBody) {
  return createHmac("sha256", secret).update(`${t}.`, "utf8").update(rawBody).digest();
}
function signatureHeader(secrets, t, rawBody) {
  return [`t=${t}`, ...secrets.map((s) => `v1=${hmac(s, t, rawBody).toString("hex")}`)].join(",");
}
var DIGITS = /^[0-9]{1,15}$/, HEX64 = /^[0-9a-fA-F]{64}$/;
function parseSignatureHeader(header) {
  let t, v1 = [];
  for (let item of header.split(",")) {
    let eq = item.indexOf("=");
    if (eq <= 0)
      return null;
    let key = item.slice(0, eq).trim(), value = item.slice(eq + 1).trim();
    if (key === "t") {
      if (t !== void 0 || !DIGITS.test(value))
        return null;
      t = Number(value);
    } else if (key === "v1") {
      if (!HEX64.test(value))
        return null;
      v1.push(Buffer.from(value, "hex"));
    }
  }
  return t === void 0 || v1.length === 0 ? null : { t, v1 };
}
function verifySignature(input) {
  let parsed = parseSignatureHeader(input.header);
  if (!parsed)
    return { valid: !1, reason: "malformed_header" };
  let matched = !1;
  for (let secret of input.secrets) {
    let expected = hmac(secret, parsed.t, input.rawBody);
    for (let candidate of parsed.v1)
      timingSafeEqual(candidate, expected) && (matched = !0);
  }
  if (!matched)
    return { valid: !1, reason: "bad_signature" };
  let tolerance = input.toleranceS ?? DEFAULT_TOLERANCE_S;
  return tolerance > 0 && Math.abs(input.now - parsed.t) > tolerance ? { valid: !1, reason: "timestamp_out_of_tolerance" } : { valid: !0, reason: null };
}

// dist/app/webhooks.js
function webhookView(ctx, w) {
  let secrets = ctx.store.webhooks.validSecrets(w.id, ctx.now());
  return {
    id: w.id,
    url: w.url,
    events: w.events,
    workspace: w.workspaceId,
    created_at: toIso(w.createdAt),
    masked: secrets[0]?.masked ?? "",
    previous_secret_until: toIso(secrets[1]?.expiresAt ?? null)
  };
}
function checkUrl(text) {
  let url = text.trim(), parsed;
  try {
    parsed = new URL(url);
  } catch {
    parsed = void 0;
  }
  if (!parsed || parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new UsageError(`invalid webhook URL "${text}"`, "give an http:// or https:// URL, e.g. http://127.0.0.1:3000/webhooks", "invalid_url");
  return url;
}
function auditUrl(url) {
  let parsed = new URL(url);
  return !parsed.username && !parsed.password ? url : (parsed.username = "", parsed.password = "", parsed.href);
}
var secretRowId = (webhookId, generation) => `${webhookId}#${generation}`;
function newSecret(ctx, webhookId, generation) {
  let secret = generateKey(prefixFor("webhook_secret")), row = { generation, sealed: seal(ctx.masterKey(), secret, secretRowId(webhookId, generation)), masked: maskKey(secret), createdAt: ctx.now() };
  return { secret, row };
}
function addWebhook(ctx, input) {
  let url = checkUrl(input.url), events = parseEventList(input.events), workspaceId = input.workspace === void 0 ? null : resolveSubjectId(ctx, "workspace", input.workspace), webhook = { id: newId("wh"), url, events, workspaceId, createdAt: ctx.now(), removedAt: null }, { secret, row } = newSecret(ctx, webhook.id, 1);
  return ctx.store.write(() => {
    ctx.store.webhooks.insert(webhook), ctx.store.webhooks.insertSecret(webhook.id, row), recordChange(ctx, "webhook.add", { subjectType: "webhook", subjectId: webhook.id }, { url: auditUrl(url), events, workspace: workspaceId });
  }), { webhook, secret };
}
function listWebhooks(ctx) {
  return ctx.store.webhooks.list().map((w) => webhookView(ctx, w));
}
function getWebhook(ctx, ref, opts = {}) {
  let ids = ctx.store.webhooks.idsWithPrefix(ref, opts), id = ids.includes(ref) ? ref : ids.length === 1 ? ids[0] : void 0;
  if (id)
    return ctx.store.webhooks.find(id, opts);
  throw ids.length > 1 ? new UsageError(`"${ref}" matches several webhooks: ${ids.slice(0, 10).join(", ")}`, "pass more characters of the webhook id", "ambiguous_id") : new NotFoundError(`no webhook with id "${ref}"`, "list webhook ids with `octo webhooks list`");
}
function removeWebhook(ctx, ref) {
  let webhook = getWebhook(ctx, ref), cancelled = 0;
  return ctx.store.write(() => {
    cancelled = ctx.store.webhooks.remove(webhook.id, ctx.now()), recordChange(ctx, "webhook.remove", { subjectType: "webhook", subjectId: webhook.id }, { url: auditUrl(webhook.url), cancelled_deliveries: cancelled });
  }), { webhook: ctx.store.webhooks.find(webhook.id, { includeRemoved: !0 }), cancelled };
}
function signingSecrets(ctx, webhookId) {
  return ctx.store.webhooks.validSecrets(webhookId, ctx.now()).map((r) => open(ctx.masterKey(), r.sealed, secretRowId(webhookId, r.generation)));
}
function revealSecret(ctx, ref) {
  let webhook = getWebhook(ctx, ref);
  return { webhook, secret: signingSecrets(ctx, webhook.id)[0] };
}
function rotateSecret(ctx, ref, graceSeconds) {
  let webhook = getWebhook(ctx, ref), now = ctx.now(), graceUntil = now + graceSeconds * 1e3;
  ctx.masterKey();
  let secret = "";
  return ctx.store.write(() => {
    let generation = ctx.store.webhooks.latestGeneration(webhook.id) + 1, fresh = newSecret(ctx, webhook.id, generation);
    secret = fresh.secret, ctx.store.webhooks.retireSecrets(webhook.id, now, graceUntil), ctx.store.webhooks.insertSecret(webhook.id, fresh.row), recordChange(ctx, "webhook.rotate_secret", { subjectType: "webhook", subjectId: webhook.id }, {
      generation,
      previous_valid_until: graceSeconds > 0 ? toIso(graceUntil) : null
    });
  }), { webhook, secret, previousUntil: graceSeconds > 0 ? graceUntil : null };
}
function verifyDelivery(ctx, input) {
  let secrets = input.secret !== void 0 ? [input.secret] : signingSecrets(ctx, getWebhook(ctx, input.webhook).id);
  return verifySignature({
    header: input.header,
    rawBody: input.rawBody,
    secrets,
    now: Math.floor(ctx.now() / 1e3),
    toleranceS: input.toleranceS
  });
}

// dist/app/webhook-send.js
import { performance } from "node:perf_hooks";
async function postSigned(post, opts) {
  let at = opts.now(), started = performance.now(), timeout = AbortSignal.timeout(opts.timeoutMs), signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout, outcome = (code, error, aborted = !1) => ({ at, code, error, durationMs: Math.round(performance.now() - started), aborted });
  try {
    let res = await fetch(post.url, {
      method: "POST",
      redirect: "manual",
      signal,
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "octo-webhooks/1",
        "X-Octo-Event": post.eventType,
        "X-Octo-Delivery": post.deliveryId,
        [SIGNATURE_HEADER]: signatureHeader(post.secrets, Math.floor(at / 1e3), post.payload)
      },
      body: post.payload
    });
    return await res.body?.cancel().catch(() => {
    }), outcome(res.status, null);
  } catch {
    return opts.signal?.aborted ? outcome(null, null, !0) : outcome(null, timeout.aborted ? "timeout" : "connection_failed");
  }
}

// dist/app/webhook-deliveries.js
function enqueueMessageEvents(ctx, messages, delays) {
  if (messages.length === 0)
    return 0;
  let endpoints = ctx.store.webhooks.list();
  if (endpoints.length === 0)
    return 0;
  let count = 0;
  return ctx.store.write(() => {
    for (let m of messages) {
      let mine = endpoints.filter((w) => w.workspaceId === null || w.workspaceId === m.workspaceId);
      for (let type of MESSAGE_EVENTS) {
        let targets = mine.filter((w) => w.events.includes(type));
        if (targets.length === 0)
          continue;
        let at = m.at + delays[type], event = messageEvent(type, m, at);
        for (let w of targets)
          ctx.store.webhooks.insertDelivery(pendingDelivery(w.id, event, at)), count++;
      }
    }
  }), count;
}
function pendingDelivery(webhookId, event, dueAt) {
  return {
    id: newId("dlv"),
    webhookId,
    eventId: event.id,
    eventType: event.type,
    payload: JSON.stringify(event),
    status: "pending",
    attempts: 0,
    nextAttemptAt: dueAt,
    createdAt: dueAt
  };
}
function claimDue(ctx, limit, leaseUntil) {
  return ctx.store.write(() => {
    let due = ctx.store.webhooks.due(ctx.now(), limit);
    for (let d of due)
      ctx.store.webhooks.reschedule(d.id, leaseUntil);
    return due;
  });
}
function releaseLease(ctx, deliveryId) {
  ctx.store.write(() => ctx.store.webhooks.reschedule(deliveryId, ctx.now()));
}
function recordOutcome(ctx, delivery, outcome, policy, random) {
  let step = nextStep(delivery.attempts + 1, isSuccess(outcome.code), policy, random), nextAttemptAt = step.status === "pending" ? ctx.now() + step.delayMs : null;
  return ctx.store.write(() => ctx.store.webhooks.recordAttempt({ deliveryId: delivery.id, at: outcome.at, code: outcome.code, error: outcome.error, durationMs: outcome.durationMs }, { status: step.status, nextAttemptAt })), step;
}
function attemptDelivery(ctx, delivery, opts) {
  let webhook = ctx.store.webhooks.find(delivery.webhookId, { includeRemoved: !0 });
  return postSigned({ url: webhook.url, deliveryId: delivery.id, eventType: delivery.eventType, payload: delivery.payload, secrets: signingSecrets(ctx, webhook.id) }, { timeoutMs: opts.timeoutMs, now: ctx.now, ...opts.signal ? { signal: opts.signal } : {} });
}
async function testWebhook(ctx, ref, type, timeoutMs) {
  let webhook = getWebhook(ctx, ref), event = testEvent(type, webhook.id, webhook.workspaceId, ctx.now()), delivery = pendingDelivery(webhook.id, event, ctx.now()), outcome = await attemptDelivery(ctx, delivery, { timeoutMs });
  return ctx.store.write(() => {
    ctx.store.webhooks.insertDelivery(delivery), recordOutcome(ctx, delivery, outcome, { retries: 0, baseMs: 0, maxMs: 0 });
  }), {
    ok: isSuccess(outcome.code),
    code: outcome.code,
    error: outcome.error,
    ms: outcome.durationMs,
    delivery: delivery.id,
    event: { id: event.id, type }
  };
}
function listDeliveries(ctx, ref, limit) {
  let webhook = getWebhook(ctx, ref, { includeRemoved: !0 });
  return ctx.store.webhooks.deliveriesOf(webhook.id, limit).map((d) => ({
    id: d.id,
    event: d.eventType,
    status: d.status,
    attempts: ctx.store.webhooks.attemptsOf(d.id).map((a) => ({ code: a.code, at: toIso(a.at), error: a.error }))
  }));
}

export {
  DEFAULT_RETRY_POLICY,
  MESSAGE_EVENTS,
  EVENT_TYPES,
  parseEventType,
  DEFAULT_TOLERANCE_S,
  webhookView,
  addWebhook,
  listWebhooks,
  getWebhook,
  removeWebhook,
  revealSecret,
  rotateSecret,
  verifyDelivery,
  enqueueMessageEvents,
  claimDue,
  releaseLease,
  recordOutcome,
  attemptDelivery,
  testWebhook,
  listDeliveries
};
