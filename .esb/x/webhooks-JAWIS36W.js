import {
  DEFAULT_TOLERANCE_S,
  EVENT_TYPES,
  MESSAGE_EVENTS,
  addWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  parseEventType,
  removeWebhook,
  revealSecret,
  rotateSecret,
  testWebhook,
  verifyDelivery,
  webhookView
} from "./chunk-PY76FXYY.js";
import {
  copyToClipboard
} from "./chunk-ZWJUYL6G.js";
import "./chunk-SP5EZO2H.js";
import "./chunk-DHA3WOUI.js";
import "./chunk-TLRGMCEY.js";
import {
  formatDuration,
  parseDuration
} from "./chunk-FETB42K4.js";
import "./chunk-RHWMYZ2G.js";
import "./chunk-KJ3HMBVV.js";
import {
  toIso
} from "./chunk-O2HUYNQ3.js";
import {
  act
} from "./chunk-WY2B4RG5.js";
import "./chunk-MMTFBEVX.js";
import {
  UsageError
} from "./chunk-3TCPD4YY.js";
import {
  printDeliveries,
  printTestResult,
  printVerdict,
  printWebhooks
} from "./chunk-F5E25DO5.js";
import "./chunk-LHQAUY5C.js";

// dist/cli/webhooks.js
import { readFileSync } from "node:fs";
var DEFAULT_GRACE = "24h";
function registerWebhooks(program, session) {
  let { out } = session, webhooks = program.command("webhooks").description("signed callbacks: endpoints, secrets, test sends, verification, deliveries");
  webhooks.command("add <url>").description("register an endpoint; prints its signing secret (octo_wh_\u2026)").option("--events <list>", `comma list of ${MESSAGE_EVENTS.join(", ")} (default: all)`).option("--workspace <ws>", "only messages of this workspace (default: every workspace)").addHelpText("after", `
Example:
  $ octo webhooks add http://127.0.0.1:3000/webhooks --events message.sent,message.delivered --workspace Acme`).action(act(session, (url, opts) => {
    let { webhook, secret } = addWebhook(session.ctx, {
      url,
      events: opts.events,
      workspace: opts.workspace
    }), view = webhookView(session.ctx, webhook);
    if (out.json)
      return out.document({ webhook: view, secret });
    out.info(out.e.green("\u2714 ") + `Added webhook ${out.e.bold(view.id)} \u2192 ${view.url} (${view.events.join(", ")})`), out.line(secret), out.info(`Verify deliveries with this secret; show it again with \`octo webhooks secret ${view.id} --print\`.`);
  })), webhooks.command("list").description("every endpoint (secrets masked)").action(act(session, async () => {
    let list = listWebhooks(session.ctx);
    if (out.json)
      return out.document({ webhooks: list });
    await printWebhooks(out, list);
  })), webhooks.command("remove <id>").description("remove an endpoint; its pending deliveries are cancelled (asks to confirm on a terminal unless --yes)").action(act(session, async (ref) => {
    let webhook = getWebhook(session.ctx, ref);
    if (!await session.prompt.confirm(`Remove ${webhook.id} (${webhook.url})? It receives nothing more.`, session.yes, `octo webhooks remove ${webhook.id}`)) {
      out.info("Nothing removed."), session.exitCode = 1;
      return;
    }
    let removed = removeWebhook(session.ctx, webhook.id);
    if (out.json)
      return out.document({ webhook: { id: removed.webhook.id, url: removed.webhook.url, removed_at: toIso(removed.webhook.removedAt) }, cancelled_deliveries: removed.cancelled });
    out.info(out.e.green("\u2714 ") + `Removed ${removed.webhook.id}` + (removed.cancelled ? `; ${removed.cancelled} pending deliveries cancelled.` : "."));
  })), webhooks.command("secret <id>").description("copy an endpoint's current signing secret to the clipboard").option("--print", "write it to stdout instead").action(act(session, async (ref, opts) => {
    let { webhook, secret } = revealSecret(session.ctx, ref), view = webhookView(session.ctx, webhook);
    if (opts.print)
      return out.json ? out.document({ webhook: view, secret }) : out.line(secret);
    if (await copyToClipboard(secret, `octo webhooks secret ${webhook.id} --print`), out.json)
      return out.document({ webhook: view, copied: !0 });
    out.info(out.e.green("\u2714 ") + `Copied ${view.masked} to the clipboard.`);
  })), webhooks.command("rotate-secret <id>").description("a new signing secret; the old one also signs during the grace").option("--grace <duration>", `keep signing with the old secret for DURATION, 0 for none (default: ${DEFAULT_GRACE})`, DEFAULT_GRACE).action(act(session, (ref, opts) => {
    let grace = opts.grace === "0" ? 0 : parseDuration(opts.grace, "--grace"), rotated = rotateSecret(session.ctx, ref, grace), view = webhookView(session.ctx, rotated.webhook);
    if (out.json)
      return out.document({ webhook: view, secret: rotated.secret });
    out.info(out.e.green("\u2714 ") + `New signing secret for ${view.id}:`), out.line(rotated.secret), out.info(rotated.previousUntil ? `Deliveries carry both signatures for ${formatDuration(grace)} (until ${toIso(rotated.previousUntil)}); switch your receiver before then.` : "The old secret no longer signs; switch your receiver now.");
  })), webhooks.command("test <id>").description("send one signed event now and print the receiver's status and time (exit 1 unless 2xx)").option("--event <type>", `${EVENT_TYPES.join(", ")} (default: webhook.test)`).option("--timeout <duration>", "give up waiting for the receiver after DURATION", "10s").action(act(session, async (ref, opts) => {
    let type = parseEventType(opts.event), timeoutS = parseDuration(opts.timeout, "--timeout"), result = await testWebhook(session.ctx, ref, type, timeoutS * 1e3);
    if (result.ok || (session.exitCode = 1), out.json)
      return out.document(result);
    printTestResult(out, result, timeoutS);
  })), webhooks.command("verify").description("check an X-Octo-Signature header against a raw body: valid, or why not (exit 0 / 1)").option("--secret-stdin", "read the signing secret from standard input").option("--endpoint <id>", "use the endpoint's stored secrets (both during a rotation grace)").requiredOption("--signature <header>", 'the X-Octo-Signature value, e.g. "t=1700000000,v1=5f\u2026"').requiredOption("--body <file>", "the raw body, byte for byte as received (- for stdin, with --endpoint)").option("--tolerance <seconds>", "accepted clock skew either side of now, 0 to skip the check", String(DEFAULT_TOLERANCE_S)).addHelpText("after", `
Examples:
  $ octo webhooks verify --endpoint wh_3kQ --signature "$SIG" --body body.json
  $ printf %s "$SECRET" | octo webhooks verify --secret-stdin --signature "$SIG" --body body.json

Exit codes: 0 valid, 1 invalid (malformed_header, bad_signature, timestamp_out_of_tolerance), 2 usage.`).action(act(session, async (opts) => {
    let endpoint = opts.endpoint;
    if (opts.secretStdin === !0 == (endpoint !== void 0))
      throw new UsageError("verify needs exactly one source of secrets", "pass --secret-stdin (the secret on standard input) or --endpoint ID");
    let tolerance = String(opts.tolerance);
    if (!/^[0-9]{1,9}$/.test(tolerance))
      throw new UsageError(`invalid --tolerance "${tolerance}"`, "pass whole seconds, e.g. --tolerance 300");
    let bodyPath = opts.body;
    if (bodyPath === "-" && endpoint === void 0)
      throw new UsageError("standard input already carries the secret", "pass the body as a file: --body FILE");
    let rawBody = bodyPath === "-" ? await readStdin() : readBody(bodyPath), secret = endpoint === void 0 ? (await readStdin()).toString("utf8").trim() : void 0;
    if (secret === "")
      throw new UsageError("no secret on standard input", "pipe it in: `octo webhooks secret ID --print | octo webhooks verify --secret-stdin \u2026`");
    let verdict = verifyDelivery(session.ctx, {
      header: opts.signature,
      rawBody,
      toleranceS: Number(tolerance),
      ...secret !== void 0 ? { secret } : { webhook: endpoint }
    });
    if (verdict.valid || (session.exitCode = 1), out.json)
      return out.document(verdict);
    printVerdict(out, verdict, Number(tolerance));
  })), webhooks.command("deliveries <id>").description("an endpoint's deliveries, newest first, with every attempt's status code and time").option("--limit <n>", "at most N deliveries", "50").action(act(session, async (ref, opts) => {
    let limit = String(opts.limit);
    if (!/^[1-9][0-9]{0,5}$/.test(limit))
      throw new UsageError(`invalid --limit "${limit}"`, "pass a whole number from 1, e.g. --limit 20");
    let deliveries = listDeliveries(session.ctx, ref, Number(limit));
    if (out.json)
      return out.document({ deliveries });
    await printDeliveries(out, deliveries);
  }));
}
function readBody(path) {
  try {
    return readFileSync(path);
  } catch {
    throw new UsageError(`cannot read the body file ${path}`, "pass the raw body, saved byte for byte, with --body FILE");
  }
}
async function readStdin() {
  let chunks = [];
  for await (let chunk of process.stdin)
    chunks.push(chunk);
  return Buffer.concat(chunks);
}
export {
  registerWebhooks
};
