import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeystoreTwin } from '../../src/app/twin-keystore.js';
import { Outbox } from '../../src/server/outbox.js';
import { SqliteKeystore } from '../../src/store/sqlite/keystore.js';

/**
 * `octo messages list` from the keystore skips segments that cannot hold what `--to` or
 * `--body-contains` asks for without parsing them: what it finds must be what parsing every one finds.
 */
describe('messages from the keystore, filtered on the body', () => {
  let dir: string;
  let store: SqliteKeystore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'octo-twin-keystore-'));
    store = await SqliteKeystore.open(join(dir, 'k.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One segment per body, as serve's archive writes them. */
  async function write(bodies: string[]): Promise<void> {
    const outbox = new Outbox(100);
    bodies.forEach((body, n) => outbox.record(`msg_${n}`, 'POST /api/v1/sms/messages', 'sms1', 'sms', 'acme', body, 'key_a', 1_000 + n));
    await store.twin.append(bodies.map((_, n) => ({ kind: 'messages' as const, batch: outbox.batchAfter(n, 1)!, keep: 100 })));
  }

  it('finds a destination or a text however the body wrote it, and nothing else', async () => {
    await write([
      '{"destination_phone":"+15550000001","body":"first"}',
      // The same destination escaped, which the text of the segment does not show as it reads.
      '{"destination_phone":"\\u002b15550000001","body":"escaped"}',
      '{"destination_phone":"+15550000002","body":"other"}',
      // A chat id sent as a number in another form than the one `--to` names it by.
      '{"chat_id":1e3,"text":"number"}',
      '{"chat_id":"1000","text":"string"}',
    ]);
    const twin = new KeystoreTwin(store, Date.now);
    const bodiesOf = async (query: Record<string, string>) => (await twin.listMessages(query)).map((m) => (m.body as { body?: string; text?: string }).body ?? (m.body as { text: string }).text);
    expect(await bodiesOf({ to: '+15550000001' })).toEqual(['escaped', 'first']);
    expect(await bodiesOf({ to: '+15550000002' })).toEqual(['other']);
    expect(await bodiesOf({ to: '1000' })).toEqual(['string', 'number']);
    expect(await bodiesOf({ body_contains: 'oth' })).toEqual(['other']);
    expect(await bodiesOf({ to: '+15550000009' })).toEqual([]);
  });
});
