import { OctoError } from '../core/errors.js';
import { hashKey } from '../core/key-format.js';
import type { KeyRecord } from '../core/model.js';
import { open } from '../core/secret-box.js';
import { secretAsKeyState } from '../core/webhook-model.js';
import { masterKeyExists } from '../store/master-key.js';
import { resolveMasterKeyPath } from '../store/paths.js';
import type { AppContext } from './context.js';
import { secretRowId } from './webhooks.js';

/** A webhook signing secret found in the keystore: its endpoint, and its state for the acceptance rule. */
export interface WebhookSecretMatch {
  webhookId: string;
  record: Pick<KeyRecord, 'state' | 'expiresAt' | 'graceUntil'>;
}

export type WebhookSecretIndex =
  | { ok: true; find: (secret: string) => WebhookSecretMatch | null }
  /** Why the secrets could not be checked; every `octo_wh_` string is then unknown. */
  | { ok: false; problem: string };

/**
 * `keys scan`'s lookup of webhook signing secrets. They are stored sealed under the master key (they
 * sign deliveries and are shown again), with no hash to look one up by. An endpoint has one or two
 * secrets that sign and a short history, so the scan opens them all once, when it first meets an
 * `octo_wh_` string, and matches by SHA-256: no schema change, no hashes to backfill for secrets
 * sealed before, nothing more to keep in step on rotation. The price is the master key, which the
 * machine that made the secrets has; where there is none, none is created and the scan says so.
 */
export async function indexWebhookSecrets(ctx: AppContext): Promise<WebhookSecretIndex> {
  const rows = await (await ctx.keystore()).webhooks.everySecret();
  if (rows.length === 0) return { ok: true, find: () => null };
  const path = resolveMasterKeyPath(ctx.env);
  if (!masterKeyExists(ctx.env, path)) return { ok: false, problem: `no master key (OCTO_MASTER_KEY, or ${path}) to open them with` };
  let master: Buffer;
  try {
    master = await ctx.masterKey();
  } catch (err) {
    if (err instanceof OctoError) return { ok: false, problem: err.message };
    throw err;
  }
  const byHash = new Map<string, WebhookSecretMatch>();
  for (const r of rows) {
    let secret: string;
    try {
      secret = open(master, r.sealed, secretRowId(r.webhookId, r.generation));
    } catch {
      continue; // a row the right master key cannot open is damaged: nothing a file could match
    }
    byHash.set(hashKey(secret).toString('base64'), { webhookId: r.webhookId, record: secretAsKeyState(r) });
  }
  return { ok: true, find: (secret) => byHash.get(hashKey(secret).toString('base64')) ?? null };
}
