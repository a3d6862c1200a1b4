import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';
import { Receiver, type Received } from '../helpers/receiver.js';
import { request, startServe, type RunningServe } from '../helpers/serve.js';
import { signedBy } from '../helpers/webhooks.js';

interface Event { type: string; data: { message_id: string } }
const eventOf = (r: Received) => JSON.parse(r.body.toString()) as Event;

/** SPEC §9: a running `octo serve` turns each accepted message into three signed callbacks. */
describe('octo serve delivers webhooks for accepted messages', () => {
  const sb = new Sandbox();
  let receiver: Receiver;
  let serve: RunningServe;
  let channelKey = '';
  let otherKey = '';
  let secret = '';
  let webhookId = '';

  beforeAll(async () => {
    receiver = await Receiver.start();
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await sb.json(['workspaces', 'add', 'Globex', '--platform', 'intercom', '--id', 'globex']);
    await sb.json(['channels', 'add', 'Support', '--workspace', 'acme', '--type', 'sms', '--id', 'sms1']);
    await sb.json(['channels', 'add', 'Other', '--workspace', 'globex', '--type', 'sms', '--id', 'sms2']);
    channelKey = (await sb.json<{ secret: string }>(['keys', 'create', 'channel', '--channel', 'sms1'])).secret;
    otherKey = (await sb.json<{ secret: string }>(['keys', 'create', 'channel', '--channel', 'sms2'])).secret;
    const added = await sb.json<{ webhook: { id: string }; secret: string }>(['webhooks', 'add', receiver.url, '--workspace', 'acme']);
    webhookId = added.webhook.id;
    secret = added.secret;
    serve = await startServe(sb, ['--json']);
  });

  /**
   * Serve logs an attempt once its outcome is written: n "succeeded" lines for an endpoint mean n
   * deliveries that are finished, never to be sent again.
   */
  const succeeded = (webhook: string, n: number) => serve.until('stdout', (out) => out.split('\n').filter((line) => {
    if (!line.includes('"event":"webhook"')) return false;
    const entry = JSON.parse(line) as { webhook: string; status: string };
    return entry.webhook === webhook && entry.status === 'succeeded';
  }).length >= n, `${n} succeeded deliveries to ${webhook}`);

  const deliveriesOf = async (webhook: string) => (await sb.json<{
    deliveries: { event: string; status: string; attempts: { code: number | null }[] }[];
  }>(['webhooks', 'deliveries', webhook])).deliveries.map((d) => [d.event, d.status, d.attempts.map((a) => a.code)]).sort();
  const allThree = ['message.delivered', 'message.queued', 'message.sent'].map((event) => [event, 'succeeded', [200]]);

  /**
   * A barrier: an Acme message, sent now, whose message.queued has reached the first receiver.
   * Messages accepted earlier had their deliveries written no later than this one's (one write per
   * batch, in order of acceptance), so every delivery they made is in the keystore by then.
   */
  const barrier = async () => {
    const sms = { destination_phone: '+15551234567', body: 'barrier' };
    const sent = await request(`${serve.url}/api/v1/sms/messages`, 'POST', { 'X-Octopods-Auth': channelKey }, sms);
    expect(sent.status).toBe(202);
    await receiver.waitUntil((reqs) => reqs.some((r) => eventOf(r).type === 'message.queued' && eventOf(r).data.message_id === sent.body.id),
      `message.queued of ${String(sent.body.id)}`, 15_000);
  };
  afterAll(async () => {
    await serve?.stop();
    await receiver?.close();
    sb.cleanup();
  });

  it('sends message.queued, message.sent and message.delivered, signed per SPEC §9', async () => {
    const sms = { destination_phone: '+15551234567', body: 'Hello from Octopods.' };
    const refused = await request(`${serve.url}/api/v1/sms/messages`, 'POST', { 'X-Octopods-Auth': 'Bearer ' + channelKey }, sms);
    expect(refused.status).toBe(401);
    const invalid = await request(`${serve.url}/api/v1/sms/messages`, 'POST', { 'X-Octopods-Auth': channelKey }, { body: 'no phone' });
    expect(invalid.status).toBe(422);
    const elsewhere = await request(`${serve.url}/api/v1/sms/messages`, 'POST', { 'X-Octopods-Auth': otherKey }, sms);
    expect(elsewhere.status).toBe(202); // another workspace: no endpoint subscribed there

    const accepted = await request(`${serve.url}/api/v1/sms/messages`, 'POST', { 'X-Octopods-Auth': channelKey }, sms);
    expect(accepted.status).toBe(202);
    await receiver.waitFor(3, 15_000);
    await succeeded(webhookId, 3);
    expect(receiver.requests).toHaveLength(3);

    const bodies = receiver.requests.map((r) => JSON.parse(r.body.toString()) as { id: string; type: string; created: number; data: Record<string, unknown> });
    expect(bodies.map((b) => b.type)).toEqual(['message.queued', 'message.sent', 'message.delivered']);
    for (const [i, req] of receiver.requests.entries()) {
      expect(req.method).toBe('POST');
      expect(req.headers['x-octo-event']).toBe(bodies[i]!.type);
      expect(String(req.headers['x-octo-delivery'])).toMatch(/^\S+$/);
      expect(bodies[i]!.id).toMatch(/^evt_/);
      expect(signedBy(req, { current: secret })).toEqual(['current']);
      expect(JSON.stringify(bodies[i]!.data)).toContain(String(accepted.body.id));
      expect(JSON.stringify(bodies[i]!.data)).not.toContain(channelKey);
    }

    // Every delivery this endpoint has, each finished: nothing more will arrive. The refused and
    // invalid requests and the other workspace's message, accepted before, made none (theirs would
    // have been written no later than these).
    expect(await deliveriesOf(webhookId)).toEqual(allThree);
    expect(serve.stdout()).toContain('"event":"webhook"');
    expect(serve.stdout()).not.toContain(secret);
  });

  it('uses a webhook added while it runs for the next message, and stops using it once removed', async () => {
    const sms = { destination_phone: '+15551234567', body: 'Hello' };
    const late = await Receiver.start();
    try {
      // Globex has no endpoint yet: this batch is written against a list without one, which serve keeps.
      expect((await request(`${serve.url}/api/v1/sms/messages`, 'POST', { 'X-Octopods-Auth': otherKey }, sms)).status).toBe(202);
      await barrier();
      const added = await sb.json<{ webhook: { id: string } }>(['webhooks', 'add', late.url, '--workspace', 'globex']);
      const second = await request(`${serve.url}/api/v1/sms/messages`, 'POST', { 'X-Octopods-Auth': otherKey }, sms);
      expect(second.status).toBe(202);
      await succeeded(added.webhook.id, 3);
      await sb.json(['webhooks', 'remove', added.webhook.id, '--yes']);
      expect((await request(`${serve.url}/api/v1/sms/messages`, 'POST', { 'X-Octopods-Auth': otherKey }, sms)).status).toBe(202);
      await barrier();
      // The removed endpoint's whole history (kept for `deliveries`): the second message's three,
      // finished. Neither the message before it was added nor the one after it was removed made any.
      expect(await deliveriesOf(added.webhook.id)).toEqual(allThree);
      expect(late.requests.map((r) => [eventOf(r).type, eventOf(r).data.message_id])).toEqual(
        ['message.queued', 'message.sent', 'message.delivered'].map((type) => [type, second.body.id]),
      );
    } finally {
      await late.close();
    }
  });

  it('refuses a --webhook-retries that is not a number', async () => {
    const r = await sb.run(['serve', '--port', '0', '--webhook-retries', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--webhook-retries');
  });
});
