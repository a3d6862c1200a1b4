// node --expose-gc bench/twin-memory.js [N]
// Memory (V8 heap and buffers) held by the outbox and the request journal of `octo serve` holding
// N (default 1,000,000) entries each, as they are recorded on the hot path: ids, endpoint and
// channel strings, the SMS body text as sent. Measured on the built code (npm run build first).
import { newId } from '../dist/core/ids.js';
import { RequestJournal } from '../dist/server/journal.js';
import { Outbox } from '../dist/server/outbox.js';

const N = Number(process.argv[2] ?? 1_000_000);
const gc = globalThis.gc;
if (!gc) throw new Error('run with node --expose-gc');
const heap = () => {
  gc();
  gc();
  // The rings keep their ids, bodies and paths as bytes in buffers, outside V8's heap.
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};
const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);

const before = heap();
const outbox = new Outbox(N);
const empty = heap();
for (let i = 0; i < N; i++) {
  // A fresh string per message, as a request's body is: `${…}` makes each one anew.
  const body = `{"destination_phone":"+1555${String(i).padStart(7, '0')}","body":"Your code is ${i % 1_000_000}"}`;
  outbox.record(newId('msg'), 'POST /api/v1/sms/messages', 'sms1', 'sms', 'acme', body, 'key_AbCdEf0123', Date.now());
}
const full = heap();
console.log(`outbox, ${N} messages: ${mib(empty - before)} MiB preallocated, ${mib(full - before)} MiB full (${((full - before) / N).toFixed(0)} B/message)`);

const before2 = heap();
const journal = new RequestJournal(N);
const extras = { expected: 'WhatsApp Business API Key' };
for (let i = 0; i < N; i++) {
  // node makes a new path string per request (req.url).
  journal.record({ method: 'POST', path: `/api/v1/sms/messages${i % 2 ? '' : '?x=' + i}`, status: i % 10 ? 202 : 403, keyId: 'key_AbCdEf0123', reason: i % 10 ? 'ok' : 'wrong_key_type', code: i % 10 ? 'ok' : 'forbidden', extras: i % 10 ? null : extras, ms: 0.4 }, Date.now());
}
const full2 = heap();
console.log(`journal, ${N} requests: ${mib(full2 - before2)} MiB full (${((full2 - before2) / N).toFixed(0)} B/request)`);
const t = performance.now();
const listed = outbox.list({ to: '+15550000001' });
console.log(`outbox list (all, limit 100): ${outbox.list({}, 100).length}; journal newest: ${journal.list({}, 1)[0]?.seq}`);
console.log(`outbox list filtered by --to over ${N}: ${(performance.now() - t).toFixed(0)} ms (${listed.length} found)`);

// What `serve` writes for the same entries beside its keystore (server/twin-archive.ts: batches of
// 256, one row each), and what reading it back costs `octo messages` and `octo requests`.
const { existsSync, mkdtempSync, rmSync, statSync } = await import('node:fs');
const { default: Database } = await import('better-sqlite3');
const { twinPath } = await import('../dist/store/sqlite/twin-file.js');
const { tmpdir } = await import('node:os');
const { basename, join } = await import('node:path');
const { SqliteKeystore } = await import('../dist/store/sqlite/keystore.js');
const { KeystoreTwin } = await import('../dist/app/twin-keystore.js');
const dir = mkdtempSync(join(tmpdir(), 'octo-twin-disk-'));
try {
  const file = join(dir, 'keystore.db');
  const store = await SqliteKeystore.open(file);
  // The twin's own file beside the keystore (store/sqlite/twin-file.ts); its -wal as it stands
  // after the writes is shown apart, then checkpointed into the file by a connection of our own.
  const twinFile = twinPath(file);
  const sizeOf = () => {
    if (!existsSync(twinFile)) return 0;
    const db = new Database(twinFile);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    return statSync(twinFile).size;
  };
  const walOf = () => (existsSync(`${twinFile}-wal`) ? statSync(`${twinFile}-wal`).size : 0);
  const empty = sizeOf();
  const write = async (kind, ring, mark) => {
    const started = performance.now();
    // As serve's archive writes them: batches of 256, built as the store asks for them.
    function* writes() {
      for (let batch; (batch = ring.batchAfter(mark, 256)); mark = batch.next) yield { kind, batch, keep: N };
    }
    await store.twin.append(writes());
    return performance.now() - started;
  };
  const messagesMs = await write('messages', outbox, 0);
  const walAfterMessages = walOf();
  const withMessages = sizeOf();
  const requestsMs = await write('requests', journal, 0);
  const walAfterRequests = walOf();
  const withRequests = sizeOf();
  console.log(`twin file, ${N} messages: ${mib(withMessages - empty)} MiB (${((withMessages - empty) / N).toFixed(0)} B/message), written in ${messagesMs.toFixed(0)} ms (${(messagesMs * 1000 / N).toFixed(2)} µs/message)`);
  console.log(`twin file, ${N} requests: ${mib(withRequests - withMessages)} MiB (${((withRequests - withMessages) / N).toFixed(0)} B/request), written in ${requestsMs.toFixed(0)} ms (${(requestsMs * 1000 / N).toFixed(2)} µs/request)`);
  console.log(`${basename(twinFile)}-wal after each kind's writes, before a checkpoint: ${mib(walAfterMessages)} and ${mib(walAfterRequests)} MiB`);
  const twin = new KeystoreTwin(store, Date.now);
  let started = performance.now();
  const newest = await twin.listMessages({ limit: 100 });
  console.log(`messages list --limit 100 from the keystore: ${(performance.now() - started).toFixed(0)} ms (${newest.length} found)`);
  started = performance.now();
  const found = await twin.listMessages({ to: '+15550000001' });
  console.log(`messages list --to over ${N} in the keystore: ${(performance.now() - started).toFixed(0)} ms (${found.length} found)`);
  started = performance.now();
  const refused = await twin.listRequests({ status: '4xx', limit: 100 });
  console.log(`requests list --status 4xx --limit 100 from the keystore: ${(performance.now() - started).toFixed(0)} ms (${refused.requests.length} found)`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
