import { UsageError } from '../core/errors.js';
import { signingKeyOf } from '../core/standard-secret.js';
import { verifyStandardSignature } from '../core/standard-webhooks.js';
import type { WebhookScheme } from '../core/webhook-model.js';
import { verifySignature, type SignatureVerdict } from '../core/webhook-signature.js';
import type { AppContext } from './context.js';
import { getWebhook, signingSecrets } from './webhooks.js';

/* `webhooks verify`: a received delivery's headers and raw body against a secret, in either scheme. */

export interface VerifyWebhookInput {
  /** Given explicitly; else the endpoint's scheme, else `standard-webhooks` when `id` or `timestamp` is given, else `octo`. */
  scheme?: WebhookScheme;
  /** `X-Octo-Signature`, or `webhook-signature`. */
  signature: string;
  /** `webhook-id` and `webhook-timestamp`: the standard scheme signs them too. */
  id?: string;
  timestamp?: string;
  rawBody: Buffer;
  /** A secret given directly (`--secret-stdin`, `octo_wh_…` or `whsec_…`), or an endpoint whose valid secrets are used. */
  secret?: string;
  webhook?: string;
  toleranceS: number;
}

export type VerifyWebhookResult = SignatureVerdict & { scheme: WebhookScheme };

export async function verifyDelivery(ctx: AppContext, input: VerifyWebhookInput): Promise<VerifyWebhookResult> {
  const endpoint = input.webhook === undefined ? undefined : await getWebhook(ctx, input.webhook);
  const scheme = input.scheme ?? endpoint?.scheme ?? (input.id !== undefined || input.timestamp !== undefined ? 'standard-webhooks' : 'octo');
  checkHeadersFit(scheme, input, endpoint?.id);
  const secrets = endpoint ? (await signingSecrets(ctx, endpoint.id)).map((s) => Buffer.from(s, 'utf8')) : [givenKey(input.secret!)];
  const common = { rawBody: input.rawBody, secrets, now: Math.floor(ctx.now() / 1000), toleranceS: input.toleranceS };
  const verdict = scheme === 'octo'
    ? verifySignature({ ...common, header: input.signature })
    : verifyStandardSignature({ ...common, headers: { id: input.id!, timestamp: input.timestamp!, signature: input.signature } });
  return { ...verdict, scheme };
}

/** No option is accepted and dropped: `--id`/`--timestamp` belong to the standard scheme, which needs both. */
function checkHeadersFit(scheme: WebhookScheme, input: VerifyWebhookInput, endpointId: string | undefined): void {
  const given = [input.id !== undefined && '--id', input.timestamp !== undefined && '--timestamp'].filter((f): f is string => f !== false);
  if (scheme === 'octo' && given.length > 0) {
    throw new UsageError(
      `${given.join(' and ')} ${given.length > 1 ? 'are' : 'is'} for --scheme standard-webhooks, not octo`,
      endpointId ? `${endpointId} signs with X-Octo-Signature alone: drop ${given.join(' and ')}` : 'drop it, or pass --scheme standard-webhooks',
      'option_not_applicable',
    );
  }
  if (scheme === 'standard-webhooks' && (input.id === undefined || input.timestamp === undefined)) {
    const missing = input.id === undefined ? '--id' : '--timestamp';
    throw new UsageError(
      `standard-webhooks signs the webhook-id and webhook-timestamp too: ${missing} is missing`,
      'pass the webhook-id, webhook-timestamp and webhook-signature headers as received, with --id, --timestamp and --signature',
      'missing_argument',
    );
  }
}

function givenKey(secret: string): Buffer {
  const key = signingKeyOf(secret);
  if (key) return key;
  throw new UsageError('the secret on standard input starts with whsec_ but the rest is not base64', 'pipe in the whole secret, as `octo webhooks secret --print` prints it');
}
