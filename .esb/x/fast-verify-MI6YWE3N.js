import {
  VERIFY_FLAGS,
  runVerify
} from "./chunk-AZH2PAAB.js";
import "./chunk-QCBOQW7N.js";
import "./chunk-SP5EZO2H.js";
import "./chunk-TLRGMCEY.js";
import "./chunk-M2CEXFWY.js";
import "./chunk-O2HUYNQ3.js";
import "./chunk-WY2B4RG5.js";
import "./chunk-MMTFBEVX.js";
import "./chunk-3TCPD4YY.js";

// dist/cli/fast-verify.js
import { parseArgs } from "node:util";
async function tryFastVerify(argv, session) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(2),
      allowPositionals: !0,
      strict: !0,
      options: {
        db: { type: "string" },
        json: { type: "boolean" },
        "no-color": { type: "boolean" },
        yes: { type: "boolean", short: "y" },
        debug: { type: "boolean" },
        ...Object.fromEntries(Object.keys(VERIFY_FLAGS).map((name) => [name, { type: "string" }]))
      }
    });
  } catch {
    return !1;
  }
  let { values, positionals } = parsed;
  return positionals[0] !== "keys" || positionals[1] !== "verify" || positionals.length > 3 ? !1 : (session.configure({ db: values.db, json: values.json, color: !values["no-color"], yes: values.yes, debug: values.debug }), await runVerify(session, positionals[2], values), !0);
}
export {
  tryFastVerify
};
