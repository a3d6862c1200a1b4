import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';
import { answerIfVerified, Receiver } from '../helpers/receiver.js';
import { request, startServe, type RunningServe } from '../helpers/serve.js';

/**
 * The messages a running `octo serve` accepts, delivered to one endpoint of each scheme; each
 * receiver answers 204 only when its own library (standardwebhooks, Stripe's SDK) accepts the
 * delivery, so every succeeded delivery is one that library verified.
 */
describe('octo serve delivers in both signature schemes', () => {
  const sb = new Sandbox();
  const stripe = new Stripe('sk_test_octo');
  let standard: Receiver;
  let octo: Receiver;
  let serve: RunningServe;
  let channelKey = '';
  const endpoints = { standard: { id: '', secret: '' }, octo: { id: '', secret: '' } };

  beforeAll(async () => {
    standard = await Receiver.start();
    octo = await Receiver.start();
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await sb.json(['channels', 'add', 'Support', '--workspace', 'acme', '--type', 'sms', '--id', 'sms1']);
    channelKey = (await sb.json<{ secret: string }>(['keys', 'create', 'channel', '--channel', 'sms1'])).secret;
    for (const [name, receiver, scheme] of [['standard', standard, 'standard-webhooks'], ['octo', octo, 'octo']] as const) {
      const added = await sb.json<{ webhook: { id: string }; secret: string }>(['webhooks', 'add', receiver.url, '--scheme', scheme]);
      endpoints[name] = { id: added.webhook.id, secret: added.secret };
    }
    standard.answer = answerIfVerified((req) => new Webhook(endpoints.standard.secret).verify(req.body, req.headers as Record<string, string>));
    octo.answer = answerIfVerified((req) => stripe.webhooks.constructEvent(req.body, String(req.headers['x-octo-signature']), endpoints.octo.secret));
    serve = await startServe(sb, ['--json']);
  });

  afterAll(async () => {
    await serve?.stop();
    await standard?.close();
    await octo?.close();
    sb.cleanup();
  });

  const succeeded = (webhook: string, n: number) => serve.until('stdout', (out) => out.split('\n').filter((line) => {
    if (!line.includes('"event":"webhook"')) return false;
    const entry = JSON.parse(line) as { webhook: string; status: string };
    return entry.webhook === webhook && entry.status === 'succeeded';
  }).length >= n, `${n} succeeded deliveries to ${webhook}`);

  it("sends each message event to both, each verified by the receiver's library; webhook-id is the delivery id", async () => {
    const sms = { destination_phone: '+15551234567', body: 'Hello from Octopods.' };
    const accepted = await request(`${serve.url}/api/v1/sms/messages`, 'POST', { 'X-Octopods-Auth': channelKey }, sms);
    expect(accepted.status).toBe(202);
    await succeeded(endpoints.standard.id, 3);
    await succeeded(endpoints.octo.id, 3);

    for (const [name, receiver] of [['standard', standard], ['octo', octo]] as const) {
      expect(receiver.requests.map((r) => (JSON.parse(r.body.toString()) as { type: string }).type).sort())
        .toEqual(['message.delivered', 'message.queued', 'message.sent']);
      const { deliveries } = await sb.json<{ deliveries: { id: string; status: string; attempts: { code: number | null }[] }[] }>(['webhooks', 'deliveries', endpoints[name].id]);
      expect(deliveries.map((d) => [d.status, d.attempts.map((a) => a.code)])).toEqual(Array(3).fill(['succeeded', [204]]));
      const ids = receiver.requests.map((r) => r.headers[name === 'standard' ? 'webhook-id' : 'x-octo-delivery']);
      expect(ids.sort()).toEqual(deliveries.map((d) => d.id).sort());
    }
    for (const req of standard.requests) {
      expect(new Webhook(endpoints.standard.secret).verify(req.body, req.headers as Record<string, string>))
        .toMatchObject({ data: { message_id: accepted.body.id } });
      expect(req.headers['x-octo-signature']).toBeUndefined();
    }
    expect(serve.stdout()).not.toContain(endpoints.standard.secret.slice(6, 40));
  });
});
