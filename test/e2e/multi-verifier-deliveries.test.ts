import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';
import { skipPg, usePostgres } from '../helpers/pg.js';
import { Receiver } from '../helpers/receiver.js';
import { request, startServe, type RunningServe } from '../helpers/serve.js';

/*
 * SPEC §11: webhook deliveries of three `octo serve` processes on one PostgreSQL keystore. Each
 * delivery is POSTed by one verifier (again only after a failed attempt), and the deliveries of a
 * verifier killed with SIGKILL are made by another once their lease runs out.
 */

const pg = usePostgres();
const DB = `octo_multi_dlv_${process.pid}_${Date.now().toString(36)}`;
const SMS = { destination_phone: '+15551234567', body: 'Hello from Octopods.' };

describe.skipIf(skipPg)('webhook deliveries of several verifiers', () => {
  let sandbox: Sandbox;
  let receiver: Receiver;
  let serves: RunningServe[] = [];
  let channelKey = '';

  beforeAll(async () => {
    sandbox = new Sandbox();
    const server = postgres(pg.url(), { max: 1, onnotice: () => {} });
    await server.unsafe(`CREATE DATABASE ${DB}`);
    await server.end();
    const u = new URL(pg.url());
    u.pathname = `/${DB}`;
    sandbox.env.OCTO_DB = u.href;
    receiver = await Receiver.start();
    await sandbox.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await sandbox.json(['channels', 'add', 'Support', '--workspace', 'acme', '--type', 'sms', '--id', 'sms1']);
    channelKey = (await sandbox.json<{ secret: string }>(['keys', 'create', 'channel', '--channel', 'sms1'])).secret;
    await sandbox.json(['webhooks', 'add', receiver.url, '--workspace', 'acme']);
    serves = await Promise.all([0, 1, 2].map(() => startServe(sandbox, ['--json'])));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(serves.map((s) => s.stop('SIGKILL')));
    await receiver?.close();
    sandbox?.cleanup();
    const server = postgres(pg.url(), { max: 1, onnotice: () => {} });
    await server.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await server.end();
  }, 60_000);

  const send = async (serve: RunningServe) => {
    const r = await request(`${serve.url}/api/v1/sms/messages`, 'POST', { 'X-Octopods-Auth': channelKey }, SMS);
    expect(r.status).toBe(202);
  };
  const ids = (from = 0) => receiver.requests.slice(from).map((r) => String(r.headers['x-octo-delivery']));
  const counts = (list: string[]) => list.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());

  it('POSTs each delivery once, whichever verifier accepted the message', async () => {
    receiver.answer = () => 200;
    for (let i = 0; i < 30; i++) await send(serves[i % 3]!);
    // Three events per message.
    await receiver.waitFor(90, 30_000);
    // Time for a second POST of any of them to arrive, were there one.
    await new Promise((r) => setTimeout(r, 2_000));
    const seen = counts(ids());
    console.log(`several verifiers: ${receiver.requests.length} POSTs for ${seen.size} deliveries of 30 messages`);
    expect(seen.size).toBe(90);
    expect([...seen.values()].filter((n) => n > 1)).toEqual([]);
  }, 60_000);

  it('loses none of a SIGKILLed verifier\'s deliveries: another sends them once their lease ran out', async () => {
    const from = receiver.requests.length;
    // Every attempt hangs until the verifiers holding them are killed: the claims are theirs.
    receiver.answer = () => 'hang';
    for (let i = 0; i < 4; i++) await send(serves[0]!);
    await send(serves[1]!);
    await receiver.waitUntil(() => new Set(ids(from)).size >= 15, '15 deliveries attempted', 20_000);
    await serves[0]!.stop('SIGKILL');
    await serves[1]!.stop('SIGKILL');
    receiver.answer = () => 200;
    const switched = Date.now();
    const wanted = new Set(ids(from));
    const webhook = (await sandbox.json<{ webhooks: { id: string }[] }>(['webhooks', 'list'])).webhooks[0]!.id;
    // The survivor sends every one of them: its own after their timeout, the others' after their lease.
    await expect.poll(async () => {
      const now = await sandbox.json<{ deliveries: { id: string; status: string }[] }>(['webhooks', 'deliveries', webhook, '--limit', '200']);
      return now.deliveries.filter((d) => wanted.has(d.id) && d.status !== 'succeeded').length;
    }, { timeout: 60_000, interval: 1_000 }).toBe(0);
    // Each was answered 200 at least once, by the survivor.
    const answered = new Set(receiver.requests.slice(from).filter((r) => r.at >= switched).map((r) => String(r.headers['x-octo-delivery'])));
    expect([...wanted].filter((id) => !answered.has(id))).toEqual([]);
    console.log(`several verifiers: ${wanted.size} deliveries in flight at the SIGKILL of 2 of 3 verifiers, all delivered by the third`);
  }, 120_000);
});
