import type { VerdictExtras } from '../core/outcomes.js';
import type { TwinBatch } from '../store/keystore.js';

/**
 * A message the verifier accepted (a 202). The webhook delivery side subscribes through
 * `onMessageAccepted` and produces `message.queued`, `message.sent` and `message.delivered` from it.
 */
export type { AcceptedMessage } from '../core/webhook-events.js';

/** Header names in lower case; a repeated header as an array of its values. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface HandlerResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** For the request log: never the key itself. */
  keyId: string | null;
  reason: string;
  /** For the request journal: the error code (else 'ok' under 400, the reason from 400 on)… */
  code?: string;
  /** …and the verdict's extras (`expected`, `required_scope`, …) of a refusal. */
  extras?: VerdictExtras | null;
}

export interface PeerInfo {
  /** The client connected from this machine (127.0.0.0/8 or ::1). */
  loopback: boolean;
}

/** A ring's batch for the keystore (Outbox and RequestJournal batchAfter), and the mark to ask for the next one after. */
export interface RingBatch extends TwinBatch {
  next: number;
}
