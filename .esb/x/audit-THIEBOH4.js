import {
  parseDuration
} from "./chunk-FETB42K4.js";
import {
  resolveKeyId
} from "./chunk-RHWMYZ2G.js";
import {
  listAudit
} from "./chunk-KJ3HMBVV.js";
import "./chunk-O2HUYNQ3.js";
import {
  act
} from "./chunk-WY2B4RG5.js";
import "./chunk-MMTFBEVX.js";
import "./chunk-3TCPD4YY.js";
import {
  printTable
} from "./chunk-LHQAUY5C.js";

// dist/cli/audit.js
function registerAudit(program, session) {
  let { out } = session;
  program.command("audit").description("the audit log: every change, who made it and when (never a secret)").option("--key <key-id>", "only changes to this key").option("--since <duration>", "only the last DURATION, e.g. 7d").action(act(session, async (opts) => {
    let sinceSeconds = opts.since ? parseDuration(opts.since, "--since") : void 0, keyId = opts.key ? resolveKeyId(session.ctx, opts.key) : void 0, events = listAudit(session.ctx, { keyId, sinceSeconds });
    if (out.json)
      return out.document({ events });
    if (events.length === 0)
      return out.info("No audit events match.");
    await printTable(out, ["TIME", "ACTOR", "ACTION", "KEY", "SUBJECT", "DETAIL"], events.map((e) => [
      e.at,
      e.actor,
      e.action,
      e.key_id ?? "",
      e.subject ? `${e.subject.type} ${e.subject.id}` : "",
      e.detail ? JSON.stringify(e.detail) : ""
    ]));
  }));
}
export {
  registerAudit
};
