import {
  printTable
} from "./chunk-LHQAUY5C.js";

// dist/ui/render-webhooks.js
var time = (iso) => iso ? iso.replace("T", " ").slice(0, 19) + "Z" : "";
async function printWebhooks(out, list) {
  if (list.length === 0)
    return out.info("No webhooks yet. Add one with `octo webhooks add URL`.");
  await printTable(out, ["ID", "URL", "EVENTS", "WORKSPACE", "SECRET", "CREATED"], list.map((w) => [
    w.id,
    w.url,
    w.events.join(`
`),
    w.workspace ?? out.c.dim("all"),
    w.masked + (w.previous_secret_until ? out.c.yellow(`
+ previous until ${time(w.previous_secret_until)}`) : ""),
    time(w.created_at)
  ]));
}
function attemptText(out, a) {
  return `${a.code === null ? out.c.red(a.error ?? "no answer") : a.code < 300 && a.code >= 200 ? out.c.green(String(a.code)) : out.c.red(String(a.code))} ${time(a.at)}`;
}
async function printDeliveries(out, deliveries) {
  if (deliveries.length === 0)
    return out.info("No deliveries yet. Send one with `octo webhooks test ID`.");
  let paint = (s) => s === "succeeded" ? out.c.green(s) : s === "pending" ? out.c.yellow(s) : out.c.red(s);
  await printTable(out, ["DELIVERY", "EVENT", "STATUS", "ATTEMPTS"], deliveries.map((d) => [
    d.id,
    d.event,
    paint(d.status),
    d.attempts.length ? d.attempts.map((a) => attemptText(out, a)).join(`
`) : out.c.dim("none yet")
  ]));
}
function printTestResult(out, r, timeoutS) {
  let answer = r.code !== null ? String(r.code) : r.error === "timeout" ? `no answer within ${timeoutS}s` : "connection failed";
  out.line(`${r.ok ? out.c.green("\u2714") : out.c.red("\u2718")} ${r.event.type} \u2192 ${answer} in ${r.ms} ms (delivery ${r.delivery})`), r.ok || out.info(out.e.dim("hint: ") + "a delivery succeeds only on a 2xx answer; see `octo webhooks deliveries ID`");
}
var WHY = {
  malformed_header: "the header is not t=<unix seconds>,v1=<64 hex>[,v1=\u2026]",
  bad_signature: "no v1 signature matches this body with the secret (tampered body, or another secret)",
  timestamp_out_of_tolerance: "the signature is authentic but its time is too far from now (replay, or clock skew)"
};
function printVerdict(out, verdict, toleranceS) {
  if (verdict.valid) {
    out.line(out.c.green("valid") + (toleranceS > 0 ? ` (signed within ${toleranceS}s of now)` : ""));
    return;
  }
  out.line(out.c.red("invalid") + `: ${verdict.reason}`), out.info(WHY[verdict.reason]);
}
function formatDispatchLog(entry, c) {
  if (entry.event === "webhook_error")
    return c.red(`webhook error: ${entry.message}`);
  let code = entry.code === null ? c.red(entry.error ?? "timeout") : entry.code < 300 ? c.green(String(entry.code)) : c.red(String(entry.code)), next = entry.retry_in_ms === null ? "" : c.dim(` retry in ${(entry.retry_in_ms / 1e3).toFixed(1)}s`);
  return `webhook ${entry.webhook} ${entry.type} ${entry.delivery} attempt ${entry.attempt} ${code} ${entry.ms}ms${next}`;
}

export {
  printWebhooks,
  printDeliveries,
  printTestResult,
  printVerdict,
  formatDispatchLog
};
