import {
  keyBreaches,
  printViolations
} from "./chunk-BOIC4SHW.js";
import "./chunk-UO34M7ZK.js";
import {
  parseDuration
} from "./chunk-FETB42K4.js";
import {
  keyStatus,
  keyView
} from "./chunk-O2HUYNQ3.js";
import {
  act
} from "./chunk-WY2B4RG5.js";
import "./chunk-MMTFBEVX.js";
import "./chunk-3TCPD4YY.js";
import "./chunk-LHQAUY5C.js";

// dist/app/check.js
function checkKeys(ctx, policy) {
  let now = ctx.now(), violations = [], checked = 0;
  for (let key of ctx.store.keys.iterate({ states: ["active"] })) {
    let breaches = keyBreaches(key, policy, now);
    if (keyStatus(key, now) === "active" && checked++, breaches.length === 0)
      continue;
    let view = keyView(key, now);
    for (let b of breaches) {
      let verb = b.rule === "unused-for" ? "revoke" : "rotate";
      violations.push({ key: view, rule: b.rule, limit: b.limit, detail: b.detail, action: `octo keys ${verb} ${key.id}` });
    }
  }
  return { checked, violations };
}

// dist/cli/check.js
function registerCheck(keys, session) {
  let { out } = session;
  keys.command("check").description("a policy gate for pipelines: active keys too old, expiring soon, or unused").option("--max-age <duration>", "active keys created longer ago than this", "90d").option("--expiring-within <duration>", "active keys that expire within this (off unless given)").option("--unused-for <duration>", "active keys not used for this long, counted from creation if never used (off unless given)").addHelpText("after", `
Examples:
  $ octo keys check
  $ octo keys check --max-age 30d --expiring-within 7d --unused-for 30d --json

Exit codes: 0 every active key passes, 1 at least one violation, 2 usage error.`).action(act(session, async (opts) => {
    let policy = {
      maxAge: limit(opts.maxAge, "--max-age"),
      expiringWithin: opts.expiringWithin === void 0 ? void 0 : limit(opts.expiringWithin, "--expiring-within"),
      unusedFor: opts.unusedFor === void 0 ? void 0 : limit(opts.unusedFor, "--unused-for")
    }, { checked, violations } = checkKeys(session.ctx, policy);
    out.json ? out.document({ violations, checked }) : await printViolations(out, violations, checked, policy), violations.length > 0 && (session.exitCode = 1);
  }));
}
var limit = (text, flag) => ({ seconds: parseDuration(text, flag), text });
export {
  registerCheck
};
