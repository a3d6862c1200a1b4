import {
  printKeyDetails
} from "./chunk-UO34M7ZK.js";
import "./chunk-FETB42K4.js";
import "./chunk-3TCPD4YY.js";
import "./chunk-LHQAUY5C.js";

// dist/ui/render-verdict.js
function printVerdict(out, view) {
  let c = out.c, where = view.endpoint ?? "format, existence, status and expiry", answer = `${view.status}${view.valid ? "" : ` ${view.code} (${view.reason})`}`;
  out.line(view.valid ? `${c.green.bold("\u2714 valid")}  ${where} \u2192 ${c.green(answer)}${view.channel_id ? ` via channel ${view.channel_id}` : ""}` : `${c.red.bold("\u2718 refused")}  ${where} \u2192 ${c.red(answer)}`), view.valid || out.line(`  ${view.message}`);
  let next = nextStep(view);
  next && out.line(`  ${c.dim("next:")} ${next}`), view.key && (out.line(), printKeyDetails(out, view.key));
}
function nextStep(v) {
  let id = v.key?.id ?? "KEY_ID", successor = v.key?.replaced_by;
  switch (v.reason) {
    case "ok":
      return v.key?.status === "rotated" && successor ? `accepted only during its rotation grace: move to ${successor} before the grace ends` : null;
    case "missing_key":
    case "wrong_scheme":
      return "send the key as `X-Octopods-Auth: KEY` to /api/v1/\u2026 endpoints, or as `Authorization: Bearer KEY` to /v1/\u2026 endpoints";
    case "malformed_header":
      return "send exactly one `Authorization: Bearer KEY` header";
    case "malformed_key":
      return "the key is mistyped or truncated (its checksum does not match): copy it again, e.g. `octo keys copy KEY_ID --print`";
    case "unknown_key":
      return "this keystore has no such key: check --db or OCTO_DB, and list keys with `octo keys list`";
    case "wrong_key_family":
      return "octo_ws_, octo_ch_ and octo_wa_ keys serve /api/v1/\u2026 (X-Octopods-Auth); oct_live_ and oct_test_ keys serve /v1/\u2026 (Bearer)";
    case "revoked":
      return "a revoked key never comes back: create a new one with `octo keys create`";
    case "rotated":
      return successor ? `use its successor ${successor}${v.key?.kind === "bearer" ? "" : ` (\`octo keys copy ${successor} --print\`)`}` : "use its successor: `octo keys list --status active`";
    case "expired":
      return `issue a successor with \`octo keys rotate ${id}\``;
    case "test_key_on_live_endpoint":
      return "this endpoint needs a live key (oct_live_): create one with `octo keys create bearer --name NAME` (without --test)";
    case "wrong_key_type":
      return v.expected?.includes("WhatsApp") ? "find it with `octo keys list --kind waba` (or `octo wabas list`)" : "find it with `octo channels list`, which shows the key that serves each channel";
    case "wrong_channel":
      return "the key does not cover that channel: `octo channels list` shows the key that serves each channel";
    case "insufficient_scope":
      return `grant it with \`octo keys scope ${id} --add ${v.required_scope ?? "SCOPE"}\``;
    case "rate_limited":
      return `wait ${v.retry_after ?? 1} s`;
    case "invalid_request":
      return v.field === "channel_id" ? "name the channel: pass --channel CH (a request sends it as channel_id)" : null;
    case "not_found":
      return "no such endpoint: the README lists the endpoints the verifier answers";
    case "method_not_allowed":
      return `this path answers ${(v.allow ?? []).join(", ")}`;
  }
}
export {
  nextStep,
  printVerdict
};
