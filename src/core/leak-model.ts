import type { KeyKind } from './key-format.js';
import type { PolicyRule } from './key-policy.js';
import type { KeyStatus, KeyView } from './model.js';

/** The data `octo keys scan` and `octo keys check` return and print (`--json` prints them as they are). */
export type SkipReason = 'too_large' | 'unreadable';

export interface SkippedFile {
  file: string;
  reason: SkipReason;
  size: number | null;
}

export interface ScanStats {
  /** Files read, binary ones included. */
  files: number;
  bytes: number;
  /** Files read and found binary (a NUL byte in the first 8,000 bytes), so not searched. */
  binary: number;
  skipped: SkippedFile[];
}

/** One key at one place. JSON-ready: `--json` prints these as they are. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  masked: string;
  /** The key's id; for a webhook signing secret, the id of its endpoint (`wh_…`). */
  key_id: string | null;
  kind: KeyKind | 'webhook_secret';
  status: KeyStatus | 'unknown';
  /**
   * Whether the verifier still accepts the key (active, or rotated and inside its grace), or, for a
   * webhook signing secret, whether deliveries are still signed with it.
   */
  accepted: boolean;
  /** The command that takes the key out of service, or null when it is already out (or unknown). */
  action: string | null;
}

export interface ScanResult {
  findings: Finding[];
  stats: ScanStats;
  /** False when there is no keystore file: nothing was looked up, every key is `unknown`. */
  keystore: boolean;
  /** Why the webhook signing secrets found could not be looked up (each is then `unknown`), or null. */
  webhookSecretsUnchecked: string | null;
}

export interface Violation {
  key: KeyView;
  rule: PolicyRule;
  limit: string;
  detail: string;
  /** The command that resolves it: an old or expiring key is rotated, an unused one revoked. */
  action: string;
}

export interface CheckResult {
  /** How many active keys were judged. */
  checked: number;
  violations: Violation[];
}
