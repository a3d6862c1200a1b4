import type { DryRunVerdict, Refused } from './verdict.js';
import { keyView, type KeyView } from './model.js';
import type { Reason, VerdictExtras, VerdictWarning } from './outcomes.js';

/**
 * The two printed forms of a verdict: the SPEC §7 object that `keys verify --json` and
 * `POST /v1/keys/verify` both print, and the SPEC §6 error body of `octo serve`.
 */
export interface VerdictView extends VerdictExtras {
  valid: boolean;
  status: number;
  code: string;
  reason: Reason;
  message: string;
  key: KeyView | null;
  endpoint: string | null;
  /** Only when there is one: the command that fixes it, with the real ids (see Verdict.hint). */
  hint?: string;
  /** Only when there are some: what a real request still needs although the verdict holds. */
  warnings?: readonly VerdictWarning[];
}

export function verdictView(verdict: DryRunVerdict, endpoint: string | null, now: number): VerdictView {
  return {
    valid: verdict.valid,
    status: verdict.status,
    code: verdict.code,
    reason: verdict.reason,
    message: verdict.message,
    key: verdict.key && keyView(verdict.key, now),
    endpoint,
    ...verdict.extras,
    ...(verdict.hint === undefined ? {} : { hint: verdict.hint }),
    ...(verdict.warnings.length ? { warnings: verdict.warnings } : {}),
  };
}

/** `{"error": "<human message>", "code", "reason", ...extras}`. */
export function errorBody(verdict: Refused): Record<string, unknown> {
  return { error: verdict.message, code: verdict.code, reason: verdict.reason, ...verdict.extras };
}
