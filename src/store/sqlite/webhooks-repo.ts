import type { WebhookScheme } from '../../core/webhook-model.js';
import type { WebhooksRepository } from '../keystore.js';
import type { AttemptRecord, DeliveryRecord, DeliveryStatus, WebhookRecord, WebhookSecretRow } from '../records.js';
import { toDelivery, toSecret, toWebhook, type DeliveryRow, type SecretRow, type WebhookRow } from '../rows.js';
import { raiseStoreErrors } from './errors.js';
import type { Db } from './open.js';

interface AttemptRow { delivery_id: string; at: number; code: number | null; error: string | null; duration_ms: number }

/** Webhook endpoints, their secrets, deliveries and attempts. */
export class WebhooksRepo implements WebhooksRepository {
  // Prepared once: `serve` runs these on every batch of accepted messages and every dispatch tick.
  private readonly active;
  private readonly earliestDue;
  private readonly addDelivery;

  constructor(private readonly db: Db, private readonly location: string) {
    this.active = db.prepare<[], WebhookRow>('SELECT * FROM webhooks WHERE removed_at IS NULL ORDER BY created_at, id');
    this.earliestDue = db.prepare<[], { at: number | null }>(
      `SELECT MIN(d.next_attempt_at) AS at FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
       WHERE d.status = 'pending' AND w.removed_at IS NULL`,
    );
    this.addDelivery = db.prepare<[DeliveryRecord]>(`
      INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at)
      VALUES (@id, @webhookId, @eventId, @eventType, @payload, @status, @attempts, @nextAttemptAt, @createdAt)`);
  }

  /** Without a scheme, the keystore's default (`octo`). */
  async insert(w: Omit<WebhookRecord, 'removedAt' | 'scheme'> & { scheme?: WebhookScheme }): Promise<void> {
    this.db.prepare('INSERT INTO webhooks (id, url, events, workspace_id, scheme, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(w.id, w.url, JSON.stringify(w.events), w.workspaceId, w.scheme ?? 'octo', w.createdAt);
  }

  /** A removed endpoint is found only with `includeRemoved` (its deliveries stay listable). */
  async find(id: string, opts: { includeRemoved?: boolean } = {}): Promise<WebhookRecord | undefined> {
    const r = this.db.prepare<[string], WebhookRow>(
      `SELECT * FROM webhooks WHERE id = ?${opts.includeRemoved ? '' : ' AND removed_at IS NULL'}`,
    ).get(id);
    return r && toWebhook(r);
  }

  async idsWithPrefix(prefix: string, opts: { includeRemoved?: boolean } = {}, limit = 11): Promise<string[]> {
    return this.db.prepare<[{ prefix: string; limit: number }], { id: string }>(
      `SELECT id FROM webhooks WHERE substr(id, 1, length(@prefix)) = @prefix
       ${opts.includeRemoved ? '' : 'AND removed_at IS NULL'} ORDER BY id LIMIT @limit`,
    ).all({ prefix, limit }).map((r) => r.id);
  }

  async list(): Promise<WebhookRecord[]> {
    return this.active.all().map(toWebhook);
  }

  /** Marks the endpoint removed and cancels what was still to be delivered; returns how many. */
  async remove(id: string, at: number): Promise<number> {
    this.db.prepare('UPDATE webhooks SET removed_at = ? WHERE id = ?').run(at, id);
    return this.db.prepare(`UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL
                            WHERE webhook_id = ? AND status = 'pending'`).run(id).changes;
  }

  async insertSecret(webhookId: string, s: Omit<WebhookSecretRow, 'expiresAt'>): Promise<void> {
    this.db.prepare('INSERT INTO webhook_secrets (webhook_id, generation, secret_sealed, masked, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(webhookId, s.generation, s.sealed, s.masked, s.createdAt);
  }

  /** The secrets that sign at `now`, the current (newest) first. */
  async validSecrets(webhookId: string, now: number): Promise<WebhookSecretRow[]> {
    return this.db.prepare<[string, number], SecretRow>(
      `SELECT * FROM webhook_secrets WHERE webhook_id = ? AND (expires_at IS NULL OR expires_at > ?)
       ORDER BY generation DESC`,
    ).all(webhookId, now).map(toSecret);
  }

  /** Every secret every endpoint has had, removed endpoints included: what `keys scan` matches against. */
  async everySecret(): Promise<(WebhookSecretRow & { webhookId: string; webhookRemovedAt: number | null })[]> {
    return this.db.prepare<[], SecretRow & { webhook_id: string; removed_at: number | null }>(
      'SELECT s.*, w.removed_at FROM webhook_secrets s JOIN webhooks w ON w.id = s.webhook_id ORDER BY s.webhook_id, s.generation',
    ).all().map((r) => ({ ...toSecret(r), webhookId: r.webhook_id, webhookRemovedAt: r.removed_at }));
  }

  async latestGeneration(webhookId: string): Promise<number> {
    return this.db.prepare<[string], { g: number | null }>('SELECT MAX(generation) AS g FROM webhook_secrets WHERE webhook_id = ?')
      .get(webhookId)?.g ?? 0;
  }

  /**
   * First half of a rotation: a previous secret still in its grace stops signing now (at most two
   * sign at once), and the current one signs until `graceUntil`.
   */
  async retireSecrets(webhookId: string, now: number, graceUntil: number): Promise<void> {
    this.db.prepare('UPDATE webhook_secrets SET expires_at = ? WHERE webhook_id = ? AND expires_at > ?').run(now, webhookId, now);
    this.db.prepare('UPDATE webhook_secrets SET expires_at = ? WHERE webhook_id = ? AND expires_at IS NULL').run(graceUntil, webhookId);
  }

  async insertDelivery(d: DeliveryRecord): Promise<void> {
    this.addDelivery.run(d);
  }

  /** Pending deliveries due at `now` on endpoints not removed, oldest due first, ties in the order they were made. */
  async due(now: number, limit: number): Promise<DeliveryRecord[]> {
    return this.db.prepare<[number, number], DeliveryRow>(`
      SELECT d.* FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND w.removed_at IS NULL
      ORDER BY d.next_attempt_at, d.rowid LIMIT ?`).all(now, limit).map(toDelivery);
  }

  /** Moves a pending delivery's due time (a lease while an attempt runs); false if it was not pending. */
  async reschedule(id: string, at: number): Promise<boolean> {
    return this.db.prepare(`UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND status = 'pending'`)
      .run(at, id).changes === 1;
  }

  /** The earliest time a pending delivery is due (or its lease ends), if any. */
  async nextDueAt(): Promise<number | null> {
    return this.earliestDue.get()?.at ?? null;
  }

  /**
   * Records one attempt and the delivery's next state. A delivery cancelled meanwhile (its endpoint
   * removed) keeps its state; the attempt is still recorded.
   */
  async recordAttempt(a: AttemptRecord, next: { status: DeliveryStatus; nextAttemptAt: number | null; claimedUntil?: number }): Promise<boolean> {
    if (next.claimedUntil !== undefined) {
      const row = this.db.prepare<[string], { status: string; next_attempt_at: number | null }>(
        'SELECT status, next_attempt_at FROM webhook_deliveries WHERE id = ?').get(a.deliveryId);
      if (row && row.status === 'pending' && row.next_attempt_at !== next.claimedUntil) return false;
    }
    this.db.prepare('INSERT INTO webhook_attempts (delivery_id, at, code, error, duration_ms) VALUES (?, ?, ?, ?, ?)')
      .run(a.deliveryId, a.at, a.code, a.error, a.durationMs);
    this.db.prepare(`UPDATE webhook_deliveries SET attempts = attempts + 1, status = ?, next_attempt_at = ?
                     WHERE id = ? AND status = 'pending'`).run(next.status, next.nextAttemptAt, a.deliveryId);
    return true;
  }

  /** The newest deliveries of an endpoint first. */
  async deliveriesOf(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    return this.db.prepare<[string, number], DeliveryRow>(
      'SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
    ).all(webhookId, limit).map(toDelivery);
  }

  async attemptsOf(deliveryId: string): Promise<AttemptRecord[]> {
    return this.db.prepare<[string], AttemptRow>('SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY id')
      .all(deliveryId).map((r) => ({ deliveryId: r.delivery_id, at: r.at, code: r.code, error: r.error, durationMs: r.duration_ms }));
  }
}

raiseStoreErrors(WebhooksRepo);
