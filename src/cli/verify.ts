import type { Command } from 'commander';
import { verifyKey, type DryRunRequest } from '../app/verify.js';
import { parseEndpoint } from '../core/endpoints.js';
import { OctoError, UsageError } from '../core/errors.js';
import type { VerdictView } from '../core/verdict-view.js';
import { act, type Session } from './session.js';
import { readStdin } from './stdin.js';

type Opts = Record<string, unknown>;

/**
 * `octo keys verify [KEY|-]`. Kept light for start-up: no server code, no prompts, no tables, no
 * master key (SPEC §10 measures it against a bare node start).
 */
export function registerVerify(keys: Command, session: Session): void {
  keys.command('verify [key]')
    .description('say whether the verifier would accept a key (at an endpoint), and why')
    .option(VERIFY_FLAGS.endpoint.flags, VERIFY_FLAGS.endpoint.description)
    .option(VERIFY_FLAGS.channel.flags, VERIFY_FLAGS.channel.description)
    .option(VERIFY_FLAGS.server.flags, VERIFY_FLAGS.server.description)
    .addHelpText('after', `
The key comes from the argument, from standard input with -, or from $OCTO_KEY (so that it need not
appear in shell history or the process list).

Examples:
  $ octo keys verify - --endpoint "POST /api/v1/sms/messages" < key.txt
  $ OCTO_KEY=oct_live_… octo keys verify --endpoint "GET /v1/posts" --json
  $ octo keys verify - --server http://127.0.0.1:8787 < key.txt

Exit codes: 0 the key would be accepted, 1 it would be refused, 2 usage error.`)
    .action(act(session, (keyArg: string | undefined, opts: Opts) => runVerify(session, keyArg, opts)));
}

/** The options of `keys verify`, defined once for commander and for the fast path in fast-verify.ts. */
export const VERIFY_FLAGS = {
  endpoint: { flags: '--endpoint <"METHOD PATH">', description: 'the request to judge, e.g. "POST /api/v1/sms/messages"' },
  channel: { flags: '--channel <channel>', description: 'the channel the request names as channel_id, by id or name (Octopods message endpoints)' },
  server: { flags: '--server <url>', description: 'ask a running `octo serve` at URL instead of reading the keystore' },
} as const;

export async function runVerify(session: Session, keyArg: string | undefined, opts: Opts): Promise<void> {
  const request: DryRunRequest = {
    key: await readKey(keyArg, session.env),
    endpoint: endpointOf(opts.endpoint as string | undefined),
    channelId: (opts.channel as string | undefined) ?? null,
  };
  const view = opts.server ? await askServer(opts.server as string, request) : await verifyKey(session.ctx, request);
  if (session.out.json) session.out.document(view);
  else (await import('../ui/render-verdict.js')).printVerdict(session.out, view);
  session.exitCode = view.valid ? 0 : 1;
}

async function readKey(arg: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  let key: string | undefined;
  if (arg === '-') {
    key = (await readStdin()).toString('utf8');
  } else {
    key = arg ?? env.OCTO_KEY;
  }
  key = key?.trim();
  if (!key) {
    throw new UsageError(
      arg === '-' ? 'no key on standard input' : 'missing key',
      'pass the key as an argument, as - to read it from standard input, or in $OCTO_KEY',
      'missing_argument',
    );
  }
  return key;
}

function endpointOf(text: string | undefined): DryRunRequest['endpoint'] {
  if (text === undefined) return null;
  const endpoint = parseEndpoint(text);
  if (!endpoint) throw new UsageError(`invalid --endpoint "${text}"`, 'write the method and the path, e.g. --endpoint "POST /api/v1/sms/messages"');
  return endpoint;
}

/** The same dry run, answered by a running verifier's `POST /v1/keys/verify`. */
async function askServer(server: string, request: DryRunRequest): Promise<VerdictView> {
  let url: URL;
  try {
    url = new URL('/v1/keys/verify', server);
  } catch {
    throw new UsageError(`invalid --server "${server}"`, 'pass the URL `octo serve` printed, e.g. --server http://127.0.0.1:8787');
  }
  const body = JSON.stringify({
    key: request.key,
    endpoint: request.endpoint && `${request.endpoint.method} ${request.endpoint.path}`,
    ...(request.channelId ? { channel_id: request.channelId } : {}),
  });
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new OctoError('server_unreachable', `cannot reach the verifier at ${url.origin} (${cause})`, {
      hint: 'start it with `octo serve`, or pass the URL it printed to --server',
    });
  }
  const text = await response.text();
  if (response.status !== 200) {
    let message = text.slice(0, 200);
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? message;
    } catch { /* not JSON: show the text */ }
    throw new OctoError('server_error', `the verifier at ${url.origin} answered ${response.status}: ${message}`, {
      hint: 'is --server the URL `octo serve` printed? POST /v1/keys/verify answers clients on the same machine only',
    });
  }
  return JSON.parse(text) as VerdictView;
}
