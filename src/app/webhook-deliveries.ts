import { newId } from '../core/ids.js';
import { toIso } from '../core/model.js';
import { isSuccess, nextStep, type NextStep, type RetryPolicy } from '../core/retry-policy.js';
import {
  MESSAGE_EVENTS, messageEvent, testEvent, type AcceptedMessage, type EventBody, type EventType, type MessageEvent,
} from '../core/webhook-events.js';
import type { DeliveryView, TestResult } from '../core/webhook-model.js';
import type { Keystore } from '../store/keystore.js';
import type { DeliveryRecord, WebhookRecord } from '../store/records.js';
import type { AppContext } from './context.js';
import { postSigned, type AttemptOutcome } from './webhook-send.js';
import { getWebhook, signingSecrets } from './webhooks.js';

/* Deliveries as keystore rows: enqueue, claim, record each attempt, list. */

/** When each message event happens, after the message was accepted (simulated delays). */
export type EventDelays = Record<MessageEvent, number>;

/**
 * One pending delivery per (event, subscribed endpoint), due when the event happens. All in one
 * transaction, so that a batch of accepted messages costs one write.
 */
export async function enqueueMessageEvents(
  ctx: AppContext, messages: readonly AcceptedMessage[], delays: EventDelays,
  activeEndpoints: () => Promise<readonly WebhookRecord[]> = async () => (await ctx.keystore()).webhooks.list(),
): Promise<number> {
  if (messages.length === 0) return 0;
  const endpoints = await activeEndpoints();
  if (endpoints.length === 0) return 0;
  const store = await ctx.keystore();
  let count = 0;
  await store.transaction(async () => {
    for (const m of messages) {
      const mine = endpoints.filter((w) => w.workspaceId === null || w.workspaceId === m.workspaceId);
      for (const type of MESSAGE_EVENTS) {
        const targets = mine.filter((w) => w.events.includes(type));
        if (targets.length === 0) continue;
        const at = m.at + delays[type];
        // One event, one id, whichever endpoints receive it.
        const event = messageEvent(type, m, at);
        for (const w of targets) {
          await store.webhooks.insertDelivery(pendingDelivery(w.id, event, at));
          count++;
        }
      }
    }
  });
  return count;
}

function pendingDelivery(webhookId: string, event: EventBody, dueAt: number): DeliveryRecord {
  return {
    id: newId('dlv'), webhookId, eventId: event.id, eventType: event.type, payload: JSON.stringify(event),
    status: 'pending', attempts: 0, nextAttemptAt: dueAt, createdAt: dueAt,
  };
}

/**
 * Takes the due deliveries `pick` chooses among the `limit` due first, leasing each until
 * `leaseUntil` (its due time moves there), so another process sharing the keystore does not send it
 * too, and a process that dies mid-attempt leaves it due again once the lease ends. Those not
 * picked stay due, unleased.
 */
export async function claimDue(
  ctx: AppContext, limit: number, leaseUntil: number, pick: (due: DeliveryRecord[]) => DeliveryRecord[] = (due) => due,
): Promise<DeliveryRecord[]> {
  const store = await ctx.keystore();
  return store.transaction(async () => {
    const claimed = pick(await store.webhooks.due(ctx.now(), limit));
    for (const d of claimed) await store.webhooks.reschedule(d.id, leaseUntil);
    // As the rows are now: the lease's end is the claim's token (recordOutcome's claimedUntil).
    return claimed.map((d) => ({ ...d, nextAttemptAt: leaseUntil }));
  });
}

/** Ends a lease early (shutdown stopped the attempt): due again at once, no attempt counted. */
export async function releaseLease(ctx: AppContext, deliveryId: string): Promise<void> {
  const store = await ctx.keystore();
  await store.transaction(() => store.webhooks.reschedule(deliveryId, ctx.now()));
}

export async function recordOutcome(
  ctx: AppContext, delivery: DeliveryRecord, outcome: AttemptOutcome, policy: RetryPolicy, random?: () => number,
): Promise<NextStep> {
  const store = await ctx.keystore();
  return store.transaction(() => writeOutcome(ctx, store, delivery, outcome, policy, random));
}

/** The attempt and the delivery's next state, inside the caller's transaction. */
async function writeOutcome(
  ctx: AppContext, store: Keystore, delivery: DeliveryRecord, outcome: AttemptOutcome, policy: RetryPolicy, random?: () => number,
): Promise<NextStep> {
  const step = nextStep(delivery.attempts + 1, isSuccess(outcome.code), policy, random);
  const nextAttemptAt = step.status === 'pending' ? ctx.now() + step.delayMs : null;
  await store.webhooks.recordAttempt(
    { deliveryId: delivery.id, at: outcome.at, code: outcome.code, error: outcome.error, durationMs: outcome.durationMs },
    { status: step.status, nextAttemptAt, ...(delivery.nextAttemptAt === null ? {} : { claimedUntil: delivery.nextAttemptAt }) },
  );
  return step;
}

/** Sends one attempt of a delivery to its endpoint, signed with every secret valid now. */
export async function attemptDelivery(ctx: AppContext, delivery: DeliveryRecord, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<AttemptOutcome> {
  const webhook = (await (await ctx.keystore()).webhooks.find(delivery.webhookId, { includeRemoved: true }))!;
  return postSigned(
    {
      url: webhook.url, deliveryId: delivery.id, eventType: delivery.eventType, payload: delivery.payload,
      secrets: await signingSecrets(ctx, webhook.id), scheme: webhook.scheme,
    },
    { timeoutMs: opts.timeoutMs, now: ctx.now, ...(opts.signal ? { signal: opts.signal } : {}) },
  );
}

/**
 * `webhooks test`: one attempt, now, no retry. It is recorded like any delivery (so `webhooks
 * deliveries` shows it), after the fact, so a running `serve` never picks it up to retry.
 */
export async function testWebhook(ctx: AppContext, ref: string, type: EventType, timeoutMs: number): Promise<TestResult> {
  const webhook = await getWebhook(ctx, ref);
  const event = testEvent(type, webhook.id, webhook.workspaceId, ctx.now());
  const delivery = pendingDelivery(webhook.id, event, ctx.now());
  const outcome = await attemptDelivery(ctx, delivery, { timeoutMs });
  const store = await ctx.keystore();
  await store.transaction(async () => {
    await store.webhooks.insertDelivery(delivery);
    await writeOutcome(ctx, store, delivery, outcome, { retries: 0, baseMs: 0, maxMs: 0 });
  });
  return {
    ok: isSuccess(outcome.code), code: outcome.code, error: outcome.error, ms: outcome.durationMs,
    delivery: delivery.id, event: { id: event.id, type },
  };
}

/** The newest deliveries first, each with every attempt. Removed endpoints keep their history. */
export async function listDeliveries(ctx: AppContext, ref: string, limit: number): Promise<DeliveryView[]> {
  const webhook = await getWebhook(ctx, ref, { includeRemoved: true });
  const store = await ctx.keystore();
  const views: DeliveryView[] = [];
  for (const d of await store.webhooks.deliveriesOf(webhook.id, limit)) {
    const attempts = await store.webhooks.attemptsOf(d.id);
    views.push({
      id: d.id,
      event: d.eventType,
      status: d.status,
      attempts: attempts.map((a) => ({ code: a.code, at: toIso(a.at)!, error: a.error })),
    });
  }
  return views;
}
