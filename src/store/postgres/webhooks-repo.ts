import type { WebhookScheme } from '../../core/webhook-model.js';
import type { WebhooksRepository } from '../keystore.js';
import type { AttemptRecord, DeliveryRecord, DeliveryStatus, WebhookRecord, WebhookSecretRow } from '../records.js';
import { toDelivery, toSecret, toWebhook, type DeliveryRow, type SecretRow, type WebhookRow } from '../rows.js';
import type { PgContext } from './context.js';
import { raiseStoreErrors } from './errors.js';

interface AttemptRow { delivery_id: string; at: number; code: number | null; error: string | null; duration_ms: number }

const WEBHOOK = 'id, url, events, workspace_id, scheme, created_at, removed_at';
const SECRET = 'generation, secret_sealed, masked, created_at, expires_at';
const DELIVERY = 'd.id, d.webhook_id, d.event_id, d.event_type, d.payload, d.status, d.attempts, d.next_attempt_at, d.created_at';

/**
 * Webhook endpoints, their secrets, deliveries and attempts, as SQLite's WebhooksRepo. Endpoints
 * and secrets change what a verifier signs with (they bump the change counter); delivery
 * bookkeeping does not.
 */
export class WebhooksRepo implements WebhooksRepository {
  constructor(private readonly ctx: PgContext) {}

  get target() {
    return this.ctx.target;
  }

  async insert(w: Omit<WebhookRecord, 'removedAt' | 'scheme'> & { scheme?: WebhookScheme }): Promise<void> {
    await this.ctx.write(true, () => this.ctx.rows(
      'INSERT INTO webhooks (id, url, events, workspace_id, scheme, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [w.id, w.url, JSON.stringify(w.events), w.workspaceId, w.scheme ?? 'octo', w.createdAt]));
  }

  async find(id: string, opts: { includeRemoved?: boolean } = {}): Promise<WebhookRecord | undefined> {
    const [r] = await this.ctx.rows<WebhookRow>(
      `SELECT ${WEBHOOK} FROM webhooks WHERE id = $1${opts.includeRemoved ? '' : ' AND removed_at IS NULL'}`, [id]);
    return r && toWebhook(r);
  }

  async idsWithPrefix(prefix: string, opts: { includeRemoved?: boolean } = {}, limit = 11): Promise<string[]> {
    const rows = await this.ctx.rows<{ id: string }>(
      `SELECT id FROM webhooks WHERE starts_with(id, $1) ${opts.includeRemoved ? '' : 'AND removed_at IS NULL'} ORDER BY id LIMIT $2`,
      [prefix, limit]);
    return rows.map((r) => r.id);
  }

  async list(): Promise<WebhookRecord[]> {
    const rows = await this.ctx.rows<WebhookRow>(`SELECT ${WEBHOOK} FROM webhooks WHERE removed_at IS NULL ORDER BY created_at, id`);
    return rows.map(toWebhook);
  }

  async remove(id: string, at: number): Promise<number> {
    return this.ctx.write(true, async () => {
      await this.ctx.rows('UPDATE webhooks SET removed_at = $1 WHERE id = $2', [at, id]);
      const cancelled = await this.ctx.rows(`UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL
                                             WHERE webhook_id = $1 AND status = 'pending' RETURNING id`, [id]);
      return cancelled.length;
    });
  }

  async insertSecret(webhookId: string, s: Omit<WebhookSecretRow, 'expiresAt'>): Promise<void> {
    await this.ctx.write(true, () => this.ctx.rows(
      'INSERT INTO webhook_secrets (webhook_id, generation, secret_sealed, masked, created_at) VALUES ($1, $2, $3, $4, $5)',
      [webhookId, s.generation, s.sealed, s.masked, s.createdAt]));
  }

  async validSecrets(webhookId: string, now: number): Promise<WebhookSecretRow[]> {
    const rows = await this.ctx.rows<SecretRow>(
      `SELECT ${SECRET} FROM webhook_secrets WHERE webhook_id = $1 AND (expires_at IS NULL OR expires_at > $2) ORDER BY generation DESC`,
      [webhookId, now]);
    return rows.map(toSecret);
  }

  async everySecret(): Promise<(WebhookSecretRow & { webhookId: string; webhookRemovedAt: number | null })[]> {
    const rows = await this.ctx.rows<SecretRow & { webhook_id: string; removed_at: number | null }>(
      `SELECT s.webhook_id, s.generation, s.secret_sealed, s.masked, s.created_at, s.expires_at, w.removed_at
       FROM webhook_secrets s JOIN webhooks w ON w.id = s.webhook_id ORDER BY s.webhook_id, s.generation`);
    return rows.map((r) => ({ ...toSecret(r), webhookId: r.webhook_id, webhookRemovedAt: r.removed_at }));
  }

  async latestGeneration(webhookId: string): Promise<number> {
    const [r] = await this.ctx.rows<{ g: number | null }>('SELECT MAX(generation) AS g FROM webhook_secrets WHERE webhook_id = $1', [webhookId]);
    return r?.g ?? 0;
  }

  async retireSecrets(webhookId: string, now: number, graceUntil: number): Promise<void> {
    await this.ctx.write(true, async () => {
      await this.ctx.rows('UPDATE webhook_secrets SET expires_at = $1 WHERE webhook_id = $2 AND expires_at > $1', [now, webhookId]);
      await this.ctx.rows('UPDATE webhook_secrets SET expires_at = $1 WHERE webhook_id = $2 AND expires_at IS NULL', [graceUntil, webhookId]);
    });
  }

  async insertDelivery(d: DeliveryRecord): Promise<void> {
    await this.ctx.write(false, () => this.ctx.rows(`
      INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [d.id, d.webhookId, d.eventId, d.eventType, d.payload, d.status, d.attempts, d.nextAttemptAt, d.createdAt]));
  }

  async due(now: number, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.ctx.rows<DeliveryRow>(`
      SELECT ${DELIVERY} FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND w.removed_at IS NULL
      ORDER BY d.next_attempt_at, d.seq LIMIT $2`, [now, limit]);
    return rows.map(toDelivery);
  }

  async reschedule(id: string, at: number): Promise<boolean> {
    const rows = await this.ctx.write(false, () => this.ctx.rows(
      `UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' RETURNING id`, [at, id]));
    return rows.length === 1;
  }

  async nextDueAt(): Promise<number | null> {
    const [r] = await this.ctx.rows<{ at: number | null }>(
      `SELECT MIN(d.next_attempt_at) AS at FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
       WHERE d.status = 'pending' AND w.removed_at IS NULL`);
    return r?.at ?? null;
  }

  async recordAttempt(a: AttemptRecord, next: { status: DeliveryStatus; nextAttemptAt: number | null; claimedUntil?: number }): Promise<boolean> {
    return this.ctx.write(false, async () => {
      if (next.claimedUntil !== undefined) {
        // Locked, so that a claim by another verifier cannot slip in between the check and the write.
        const [row] = await this.ctx.rows<{ status: string; next_attempt_at: number | null }>(
          'SELECT status, next_attempt_at FROM webhook_deliveries WHERE id = $1 FOR UPDATE', [a.deliveryId]);
        if (row && row.status === 'pending' && row.next_attempt_at !== next.claimedUntil) return false;
      }
      await this.ctx.rows('INSERT INTO webhook_attempts (delivery_id, at, code, error, duration_ms) VALUES ($1, $2, $3, $4, $5)',
        [a.deliveryId, a.at, a.code, a.error, a.durationMs]);
      await this.ctx.rows(`UPDATE webhook_deliveries SET attempts = attempts + 1, status = $1, next_attempt_at = $2
                           WHERE id = $3 AND status = 'pending'`, [next.status, next.nextAttemptAt, a.deliveryId]);
      return true;
    });
  }

  async deliveriesOf(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.ctx.rows<DeliveryRow>(
      `SELECT ${DELIVERY} FROM webhook_deliveries d WHERE d.webhook_id = $1 ORDER BY d.created_at DESC, d.seq DESC LIMIT $2`, [webhookId, limit]);
    return rows.map(toDelivery);
  }

  async attemptsOf(deliveryId: string): Promise<AttemptRecord[]> {
    const rows = await this.ctx.rows<AttemptRow>(
      'SELECT delivery_id, at, code, error, duration_ms FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id', [deliveryId]);
    return rows.map((r) => ({ deliveryId: r.delivery_id, at: r.at, code: r.code, error: r.error, durationMs: r.duration_ms }));
  }
}

raiseStoreErrors(WebhooksRepo);
