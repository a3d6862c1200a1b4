import {
  parseEndpoint,
  verifyKey
} from "./chunk-QCBOQW7N.js";
import {
  act
} from "./chunk-WY2B4RG5.js";
import {
  OctoError,
  UsageError
} from "./chunk-3TCPD4YY.js";

// dist/cli/verify.js
function registerVerify(keys, session) {
  keys.command("verify [key]").description("say whether the verifier would accept a key (at an endpoint), and why").option(VERIFY_FLAGS.endpoint.flags, VERIFY_FLAGS.endpoint.description).option(VERIFY_FLAGS.channel.flags, VERIFY_FLAGS.channel.description).option(VERIFY_FLAGS.server.flags, VERIFY_FLAGS.server.description).addHelpText("after", `
The key comes from the argument, from standard input with -, or from $OCTO_KEY (so that it need not
appear in shell history or the process list).

Examples:
  $ octo keys verify - --endpoint "POST /api/v1/sms/messages" < key.txt
  $ OCTO_KEY=oct_live_\u2026 octo keys verify --endpoint "GET /v1/posts" --json
  $ octo keys verify - --server http://127.0.0.1:8787 < key.txt

Exit codes: 0 the key would be accepted, 1 it would be refused, 2 usage error.`).action(act(session, (keyArg, opts) => runVerify(session, keyArg, opts)));
}
var VERIFY_FLAGS = {
  endpoint: { flags: '--endpoint <"METHOD PATH">', description: 'the request to judge, e.g. "POST /api/v1/sms/messages"' },
  channel: { flags: "--channel <channel-id>", description: "the channel_id the request names (Octopods message endpoints)" },
  server: { flags: "--server <url>", description: "ask a running `octo serve` at URL instead of reading the keystore" }
};
async function runVerify(session, keyArg, opts) {
  let request = {
    key: await readKey(keyArg, session.env),
    endpoint: endpointOf(opts.endpoint),
    channelId: opts.channel ?? null
  }, view = opts.server ? await askServer(opts.server, request) : verifyKey(session.ctx, request);
  session.out.json ? session.out.document(view) : (await import("./render-verdict-4YWKDEU7.js")).printVerdict(session.out, view), session.exitCode = view.valid ? 0 : 1;
}
async function readKey(arg, env) {
  let key;
  if (arg === "-") {
    let chunks = [];
    for await (let chunk of process.stdin)
      chunks.push(chunk);
    key = Buffer.concat(chunks).toString("utf8");
  } else
    key = arg ?? env.OCTO_KEY;
  if (key = key?.trim(), !key)
    throw new UsageError(arg === "-" ? "no key on standard input" : "missing key", "pass the key as an argument, as - to read it from standard input, or in $OCTO_KEY", "missing_argument");
  return key;
}
function endpointOf(text) {
  if (text === void 0)
    return null;
  let endpoint = parseEndpoint(text);
  if (!endpoint)
    throw new UsageError(`invalid --endpoint "${text}"`, 'write the method and the path, e.g. --endpoint "POST /api/v1/sms/messages"');
  return endpoint;
}
async function askServer(server, request) {
  let url;
  try {
    url = new URL("/v1/keys/verify", server);
  } catch {
    throw new UsageError(`invalid --server "${server}"`, "pass the URL `octo serve` printed, e.g. --server http://127.0.0.1:8787");
  }
  let body = JSON.stringify({
    key: request.key,
    endpoint: request.endpoint && `${request.endpoint.method} ${request.endpoint.path}`,
    ...request.channelId ? { channel_id: request.channelId } : {}
  }), response;
  try {
    response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(1e4) });
  } catch (err) {
    let cause = err.cause?.code ?? err.name;
    throw new OctoError("server_unreachable", `cannot reach the verifier at ${url.origin} (${cause})`, {
      hint: "start it with `octo serve`, or pass the URL it printed to --server"
    });
  }
  let text = await response.text();
  if (response.status !== 200) {
    let message = text.slice(0, 200);
    try {
      message = JSON.parse(text).error ?? message;
    } catch {
    }
    throw new OctoError("server_error", `the verifier at ${url.origin} answered ${response.status}: ${message}`, {
      hint: "is --server the URL `octo serve` printed? POST /v1/keys/verify answers clients on the same machine only"
    });
  }
  return JSON.parse(text);
}

export {
  registerVerify,
  VERIFY_FLAGS,
  runVerify
};
