import { UsageError } from './errors.js';
import type { EventType } from './webhook-events.js';

/**
 * How an endpoint's deliveries are signed: `octo`, SPEC §9's `X-Octo-Signature: t=…,v1=<hex>`
 * (what Stripe's libraries verify), or `standard-webhooks`, the `webhook-id`/`webhook-timestamp`/
 * `webhook-signature` headers that Svix's and the `standardwebhooks` libraries verify.
 */
export const WEBHOOK_SCHEMES = ['octo', 'standard-webhooks'] as const;
export type WebhookScheme = (typeof WEBHOOK_SCHEMES)[number];
export const DEFAULT_SCHEME: WebhookScheme = 'octo';

export function parseScheme(text: string, flag = '--scheme'): WebhookScheme {
  const scheme = WEBHOOK_SCHEMES.find((s) => s === text);
  if (scheme) return scheme;
  throw new UsageError(`invalid ${flag} "${text}"`, `pass ${WEBHOOK_SCHEMES.map((s) => `${flag} ${s}`).join(' or ')}`, 'invalid_scheme');
}

/** The JSON shapes of SPEC §9 that the CLI prints (times ISO 8601), shared by app and ui. */
export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  /** The workspace id whose messages it receives; null for every workspace. */
  workspace: string | null;
  scheme: WebhookScheme;
  created_at: string;
  /** The current signing secret, masked, in the form the endpoint's scheme presents it. */
  masked: string;
  /** While a rotation grace runs, the previous secret also signs until then. */
  previous_secret_until: string | null;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';

export interface DeliveryView {
  id: string;
  event: string;
  status: DeliveryStatus;
  /** code null: no answer (`error` says whether it was a timeout or a failed connection). */
  attempts: { code: number | null; at: string; error: string | null }[];
}

export interface TestResult {
  ok: boolean;
  code: number | null;
  error: string | null;
  ms: number;
  delivery: string;
  event: { id: string; type: EventType };
}

/** One line of `octo serve`'s log per delivery attempt, and per error that did not stop delivery. */
export type DispatchLog =
  | {
      event: 'webhook'; delivery: string; webhook: string; type: string; attempt: number; code: number | null;
      error: string | null; ms: number; status: string; retry_in_ms: number | null;
    }
  | { event: 'webhook_error'; message: string };

/**
 * A signing secret in the terms of the one acceptance rule (key-acceptance.ts), so that `keys scan`
 * judges it as it judges a key: the current secret is active; a previous one is rotated, its grace
 * ending when it stops signing; every secret of a removed endpoint is revoked.
 */
export function secretAsKeyState(s: { expiresAt: number | null; webhookRemovedAt: number | null }): {
  state: 'active' | 'rotated' | 'revoked';
  expiresAt: null;
  graceUntil: number | null;
} {
  const state = s.webhookRemovedAt !== null ? 'revoked' : s.expiresAt === null ? 'active' : 'rotated';
  return { state, expiresAt: null, graceUntil: s.expiresAt };
}
