/**
 * The closed vocabulary of verdicts and the one table that maps each to an HTTP status, a code and a
 * human message (SPEC §6). Bearer endpoints answer every credential failure with the Octopost seed's
 * 401 "Invalid or expired API key"; Octopods endpoints answer a rotated or revoked key with the
 * Octopods seed's 400 DEPRECATED_API_KEY. Everything else is shared by both families.
 */
export type FailReason =
  | 'missing_key' | 'wrong_scheme' | 'malformed_header' | 'malformed_key' | 'unknown_key' | 'wrong_key_family'
  | 'revoked' | 'rotated' | 'expired' | 'test_key_on_live_endpoint' | 'wrong_key_type' | 'wrong_channel'
  | 'insufficient_scope' | 'rate_limited' | 'invalid_request' | 'not_found' | 'method_not_allowed';

export type Reason = 'ok' | FailReason;

/** Which API a verdict speaks for: decides the answer to the same reason where the seeds differ. */
export type Family = 'octopods' | 'bearer';

export interface VerdictExtras {
  expected?: string;
  required_scope?: string;
  field?: string;
  retry_after?: number;
  allow?: readonly string[];
  channel_id?: string;
  scope?: string;
  livemode?: boolean;
}

/**
 * Said beside an accepted dry-run verdict (`keys verify`, `POST /v1/keys/verify`) when the verdict
 * holds but a real request would still need something: which channel to name, a rate-limit window
 * to wait out. A real request never carries warnings: it is refused instead.
 */
export type WarningCode = 'channel_id_required' | 'rate_limited';

export interface VerdictWarning {
  code: WarningCode;
  message: string;
}

export interface Outcome {
  status: number;
  code: string;
  message: (x: VerdictExtras) => string;
}

const INVALID_OR_EXPIRED = 'Invalid or expired API key';

const row = (status: number, code: string, message: string | ((x: VerdictExtras) => string)): Outcome => ({
  status,
  code,
  message: typeof message === 'string' ? () => message : message,
});

const unauthorized = (message: string) => row(401, 'unauthorized', message);
const deprecated = (what: string) =>
  row(400, 'DEPRECATED_API_KEY', `This API key has been ${what}. Fetch the new key from Octopods and update your integration.`);

/** The bearer answer for each reason, and the Octopods answer where it differs. */
const OUTCOMES: Record<FailReason, { bearer: Outcome; octopods?: Outcome }> = {
  missing_key: {
    bearer: unauthorized(INVALID_OR_EXPIRED),
    octopods: unauthorized('Missing API key: send it in the X-Octopods-Auth header'),
  },
  wrong_scheme: {
    bearer: unauthorized(INVALID_OR_EXPIRED),
    octopods: unauthorized('Send the API key in the X-Octopods-Auth header, with no Bearer prefix'),
  },
  malformed_header: {
    bearer: unauthorized(INVALID_OR_EXPIRED),
    octopods: unauthorized('Send exactly one X-Octopods-Auth header'),
  },
  malformed_key: { bearer: unauthorized(INVALID_OR_EXPIRED), octopods: unauthorized('Malformed API key') },
  unknown_key: { bearer: unauthorized(INVALID_OR_EXPIRED), octopods: unauthorized('Unknown API key') },
  wrong_key_family: {
    bearer: unauthorized(INVALID_OR_EXPIRED),
    octopods: unauthorized('This endpoint takes an Octopods API key in X-Octopods-Auth, not a bearer API key'),
  },
  revoked: { bearer: unauthorized(INVALID_OR_EXPIRED), octopods: deprecated('revoked') },
  rotated: { bearer: unauthorized(INVALID_OR_EXPIRED), octopods: deprecated('rotated') },
  // Octopods keys never expire (only bearer keys take --expires-in); kept for completeness.
  expired: { bearer: unauthorized(INVALID_OR_EXPIRED), octopods: unauthorized('This API key has expired') },
  test_key_on_live_endpoint: { bearer: unauthorized(INVALID_OR_EXPIRED) },
  wrong_key_type: { bearer: row(403, 'forbidden', (x) => `This endpoint needs a ${x.expected ?? 'different API key'}`) },
  wrong_channel: { bearer: row(403, 'forbidden', 'This API key cannot send through this channel') },
  insufficient_scope: {
    bearer: row(403, 'forbidden', (x) => `This API key lacks the required scope ${x.required_scope ?? ''}`.trim()),
  },
  rate_limited: {
    bearer: row(429, 'rate_limited', (x) => `Rate limit exceeded: retry after ${x.retry_after ?? 1} s`),
  },
  invalid_request: { bearer: row(422, 'invalid_request', (x) => `Invalid request: ${x.field ?? 'body'}`) },
  not_found: { bearer: row(404, 'not_found', 'No such endpoint') },
  method_not_allowed: {
    bearer: row(405, 'method_not_allowed', (x) => `Method not allowed: use ${(x.allow ?? []).join(', ')}`),
  },
};

export function outcomeFor(reason: FailReason, family: Family): Outcome {
  const entry = OUTCOMES[reason];
  return (family === 'octopods' ? entry.octopods : undefined) ?? entry.bearer;
}

export const FAIL_REASONS = Object.keys(OUTCOMES) as FailReason[];
