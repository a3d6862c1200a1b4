import {
  RESOURCES
} from "./chunk-M2CEXFWY.js";
import {
  act
} from "./chunk-WY2B4RG5.js";
import "./chunk-MMTFBEVX.js";
import "./chunk-3TCPD4YY.js";
import {
  printTable
} from "./chunk-LHQAUY5C.js";

// dist/cli/scopes.js
function registerScopes(program, session) {
  let { out } = session;
  program.command("scopes").description("the scope catalog for bearer keys").command("list").description("every scope, by resource (`admin` is full access)").action(act(session, async () => {
    let scopes = [
      ...RESOURCES.flatMap((r) => r.actions.map((a) => ({ scope: `${r.resource}:${a}`, resource: r.resource, action: a, source: r.source }))),
      { scope: "admin", resource: "*", action: "*", source: "Chatbot Platform" }
    ];
    if (out.json)
      return out.document({ scopes });
    await printTable(out, ["RESOURCE", "READ", "WRITE", "FROM"], [
      ...RESOURCES.map((r) => [r.resource, `${r.resource}:read`, r.actions.includes("write") ? `${r.resource}:write` : "\u2014", r.source]),
      ["(everything)", "admin", "admin", "Chatbot Platform"]
    ]), out.info("A key with no scopes, or with admin, has full access.");
  }));
}
export {
  registerScopes
};
