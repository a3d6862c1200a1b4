import { describe, expect, it } from 'vitest';
import { storedMessageView, storedRequestView, type StoredMessage, type StoredRequest } from '../../src/core/twin.js';
import type { RequestLog } from '../../src/server/http.js';
import { RequestJournal } from '../../src/server/journal.js';
import { Outbox } from '../../src/server/outbox.js';
import { segmentEntries } from '../../src/store/twin-log.js';

/**
 * What the rings write to the keystore (batchAfter) is what they show (list), record for record:
 * the batch text reuses the fields it quoted for the record before, so each field is changed on
 * its own here, between neighbours, and changed back.
 */
describe('the batches the rings write to the keystore', () => {
  it('hold each message as the outbox shows it, whichever field changes from one to the next', () => {
    const outbox = new Outbox(100);
    const base = ['POST /api/v1/sms/messages', 'sms1', 'sms', 'acme', '{"destination_phone":"+15551234567","body":"hi"}', 'key_a'] as const;
    // Each change between two records of `base`.
    const changes = [
      ['POST /api/v1/viber/messages', ...base.slice(1)],
      [base[0], 'sms2', ...base.slice(2)],
      [base[0], base[1], 'viber', ...base.slice(3)],
      [...base.slice(0, 3), 'other', ...base.slice(4)],
      [...base.slice(0, 4), '{"destination_phone":"+15550000000","body":"ünï \\"q\\""}', base[5]],
      [...base.slice(0, 5), 'key_b'],
    ].flatMap((change) => [base, change]).concat([base, base]);
    changes.forEach(([endpoint, channelId, type, workspace, body, keyId], n) =>
      outbox.record(`msg_${n}`, endpoint!, channelId!, type as 'sms', workspace!, body!, keyId!, 1_000 + n));
    // In one batch, and in batches of 3, so that a batch also starts on a changed record.
    for (const size of [100, 3, 1]) {
      const stored: StoredMessage[] = [];
      for (let mark = 0, batch; (batch = outbox.batchAfter(mark, size)); mark = batch.next) stored.push(...(segmentEntries(batch.entries) as never[]));
      expect(stored.map(storedMessageView)).toEqual(outbox.list({}).reverse());
    }
  });

  it('hold each request as the journal shows it, whichever field changes from one to the next', () => {
    const journal = new RequestJournal(100);
    const base: RequestLog = { method: 'POST', path: '/api/v1/sms/messages', status: 202, keyId: 'key_a', reason: 'ok', ms: 0.5 };
    const refused = { status: 403, reason: 'wrong_key_type', code: 'forbidden' };
    // Each change between two records of `base`.
    const changes: RequestLog[] = [
      { ...base, method: 'PUT' },
      { ...base, path: '/api/v1/sms/messages?x=1' },
      { ...base, path: '/v1/keys/oct_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      { ...base, status: 200 },
      { ...base, reason: 'warned' },
      { ...base, code: 'other' },
      { ...base, ...refused, extras: { expected: 'channel' } },
      { ...base, keyId: null },
      { ...base, keyId: 'key_b', ms: 12.345 },
    ].flatMap((change) => [base, change]).concat([
      // Extras that change while the rest does not.
      { ...base, ...refused, extras: { expected: 'workspace' } },
      { ...base, ...refused, extras: { expected: 'channel' } },
      { ...base, reason: 'rate_limited', status: 429, extras: { retry_after: 3 } },
      base,
    ]);
    changes.forEach((entry, n) => journal.record(entry, 2_000 + n));
    const shown = journal.list({}).reverse();
    for (const size of [100, 3, 1]) {
      const stored: StoredRequest[] = [];
      for (let mark = 0, batch; (batch = journal.batchAfter(mark, size)); mark = batch.next) stored.push(...(segmentEntries(batch.entries) as never[]));
      const views = stored.map((s, k) => storedRequestView(k + 1, s));
      expect(views).toEqual(shown);
      // Field for field in the same order, as `requests list --json` prints them either way.
      expect(views.map((v) => Object.keys(v))).toEqual(shown.map((v) => Object.keys(v)));
    }
    // And no key reached the text: the path was scrubbed before it was kept.
    expect(shown[5]!.path).toMatch(/^\/v1\/keys\//);
    expect(shown[5]!.path).not.toContain('AAAAAAAAAAAAAAAAAAAA');
  });
});
