import {
  act
} from "./chunk-WY2B4RG5.js";
import "./chunk-MMTFBEVX.js";
import {
  UsageError
} from "./chunk-3TCPD4YY.js";

// dist/cli/serve.js
function registerServe(program, session) {
  program.command("serve").description("run the local verifier: answers HTTP requests the way the real APIs do").option("--host <host>", "address to listen on", "127.0.0.1").option("--port <port>", "port to listen on (0 = a free port)", "8787").option("--webhook-retries <n>", "retries after a failed webhook delivery (exponential backoff)", "5").addHelpText("after", `
The first line on stdout is "listening on http://HOST:PORT" ({"event":"listening","url":\u2026} with --json),
then one line per request: method, path, status, key id, reason, milliseconds (never the key).
Each accepted message is delivered to the workspace's webhooks as message.queued, message.sent and
message.delivered (see \`octo webhooks --help\`), off the request path, retried with backoff.
SIGINT or SIGTERM: finish in-flight requests, record last-used times, exit 0; webhook deliveries not
yet made stay in the keystore and resume at the next start.

Examples:
  $ octo serve
  $ octo serve --port 0 --json
  $ curl -X POST http://127.0.0.1:8787/api/v1/sms/messages -H "X-Octopods-Auth: $KEY" \\
      -H 'Content-Type: application/json' -d '{"destination_phone":"+15551234567","body":"Hello"}'`).action(act(session, async (opts) => {
    let port = parsePort(opts.port), retries = parseRetries(opts.webhookRetries), ctx = session.ctx, { out } = session, [{ runServer }, { WebhookDispatcher }, { formatDispatchLog }] = await Promise.all([
      import("./serve-C77RW7XZ.js"),
      import("./webhook-dispatcher-2BDSPFV2.js"),
      import("./render-webhooks-OJAFXE5T.js")
    ]), dispatcher = new WebhookDispatcher(ctx, {
      retries,
      log: (entry) => out.json ? out.jsonLine(entry) : out.line(formatDispatchLog(entry, out.c))
    });
    dispatcher.start();
    try {
      await runServer({
        store: ctx.store,
        out,
        now: () => ctx.now(),
        host: opts.host,
        port,
        onMessageAccepted: (m) => dispatcher.messageAccepted(m)
      });
    } finally {
      await dispatcher.stop();
    }
  }));
}
function parseRetries(text) {
  if (!/^\d{1,2}$/.test(text))
    throw new UsageError(`invalid --webhook-retries "${text}"`, "pass a whole number of retries from 0 to 99, e.g. --webhook-retries 5");
  return Number(text);
}
function parsePort(text) {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535)
    throw new UsageError(`invalid --port "${text}"`, "pass a port from 0 to 65535 (0 picks a free port), e.g. --port 8787");
  return Number(text);
}
export {
  registerServe
};
