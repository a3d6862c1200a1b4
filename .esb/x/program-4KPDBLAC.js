// dist/cli/program.js
import { Command } from "commander";
import { readFileSync } from "node:fs";
var GROUPS = {
  workspaces: () => import("./subjects-D32TQDT3.js").then((m) => m.registerSubjects),
  wabas: () => import("./subjects-D32TQDT3.js").then((m) => m.registerSubjects),
  channels: () => import("./subjects-D32TQDT3.js").then((m) => m.registerSubjects),
  scopes: () => import("./scopes-2HRCFHGR.js").then((m) => m.registerScopes),
  audit: () => import("./audit-THIEBOH4.js").then((m) => m.registerAudit),
  webhooks: () => import("./webhooks-JAWIS36W.js").then((m) => m.registerWebhooks),
  serve: () => import("./serve-K45L5AOP.js").then((m) => m.registerServe),
  backup: () => import("./backup-CTMVWLQH.js").then((m) => m.registerBackup),
  restore: () => import("./backup-CTMVWLQH.js").then((m) => m.registerBackup)
}, KEY_COMMANDS = {
  lifecycle: () => import("./keys-JDXHXTKW.js").then((m) => m.registerKeys),
  verify: () => import("./verify-YYRL4HRF.js").then((m) => m.registerVerify),
  scan: () => import("./scan-T46WCZPI.js").then((m) => m.registerScan),
  check: () => import("./check-TOUESSBR.js").then((m) => m.registerCheck)
}, VALUED_GLOBALS = /* @__PURE__ */ new Set(["--db"]);
function version() {
  return JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
}
function commandWords(args) {
  let words = [];
  for (let i = 0; i < args.length && words.length < 2; i++) {
    let arg = args[i];
    if (arg === "--")
      break;
    if (arg.startsWith("-")) {
      VALUED_GLOBALS.has(arg) && i++;
      continue;
    }
    words.push(arg);
  }
  return words;
}
async function addKeys(program, session, sub) {
  let keys = program.command("keys").description("create, list, copy, scope, rotate, revoke, verify and scan API keys"), only = sub === void 0 || sub === "help" ? null : KEY_COMMANDS[sub] ?? KEY_COMMANDS.lifecycle;
  for (let register of await Promise.all((only ? [only] : Object.values(KEY_COMMANDS)).map((load) => load())))
    register(keys, session);
}
async function buildProgram(session, argv) {
  let program = new Command("octo").description("Administer API keys in a local keystore, and verify requests the way the real APIs do.").version(version(), "-V, --version").option("--db <path>", "keystore file (default: $OCTO_DB, then ${XDG_DATA_HOME:-~/.local/share}/octo/keystore.db)").option("--json", "print one JSON document on stdout (errors as JSON on stderr)").option("--no-color", "no colour (also NO_COLOR=1)").option("-y, --yes", "skip confirmations").option("--debug", "print stacks for errors").showHelpAfterError(!1).exitOverride().configureOutput({ outputError: () => {
  } }).addHelpText("after", `
Examples:
  $ octo workspaces add Acme --platform intercom
  $ octo keys create workspace --workspace Acme
  $ octo keys create bearer --name "CI pipeline" --scope posts:read --expires-in 90d
  $ octo keys verify - --endpoint "POST /api/v1/sms/messages" < key.txt
  $ octo serve --port 8787

Exit codes: 0 ok, 1 refused or failed, 2 usage error, 130 cancelled.`), [group, sub] = commandWords(argv.slice(2));
  if (group !== void 0 && group in GROUPS)
    (await GROUPS[group]())(program, session);
  else if (group === "keys")
    await addKeys(program, session, sub);
  else {
    let [subjects, ...rest] = [...new Set(await Promise.all(Object.values(GROUPS).map((load) => load())))];
    subjects(program, session), await addKeys(program, session, void 0);
    for (let register of rest)
      register(program, session);
  }
  return program;
}
export {
  buildProgram
};
