import {
  Output,
  Session
} from "./chunk-WY2B4RG5.js";
import "./chunk-MMTFBEVX.js";
import {
  UsageError,
  isOctoError
} from "./chunk-3TCPD4YY.js";

// dist/main.js
async function main(argv, env = process.env) {
  process.umask(63);
  let args = argv.slice(2), out = await Output.create({
    json: args.includes("--json"),
    color: !args.includes("--no-color"),
    debug: args.includes("--debug"),
    env
  }), session = new Session(out, env);
  try {
    if (args[0] === "keys" && args[1] === "verify") {
      let { tryFastVerify } = await import("./fast-verify-MI6YWE3N.js");
      if (await tryFastVerify(argv, session))
        return session.exitCode;
    }
    let { buildProgram } = await import("./program-4KPDBLAC.js");
    return await (await buildProgram(session, argv)).parseAsync(argv), session.exitCode;
  } catch (err) {
    return reportError(err, out);
  } finally {
    session.close();
  }
}
function reportError(err, out) {
  if (isCommanderError(err)) {
    if (err.exitCode === 0)
      return 0;
    let message = err.message.replace(/^error: /, "");
    return out.error(new UsageError(message, "see `octo --help`, or `octo COMMAND --help` for the command's flags")), 2;
  }
  return out.error(err), isOctoError(err) ? err.exitCode : 1;
}
function isCommanderError(err) {
  let code = err instanceof Error ? err.code : void 0;
  return typeof code == "string" && code.startsWith("commander.");
}
export {
  main
};
