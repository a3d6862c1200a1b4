// node bench/stress-serve.js [--seconds 30] [--clients 64]   (after npm run build)
// The verifier's soak (issue 6): `octo serve` under many keep-alive clients for a fixed time while
// other processes create, rotate and revoke keys, CLI writers are killed with SIGKILL, online backups
// are taken (when octo has `backup`), and hostile requests arrive. Every answer is judged against
// its key's state at that moment (bench/lib/judged-load.js). Prints its figures; exits 1 on any
// wrong answer, lost request, 5xx or dead server.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchEnv, buildKeystore } from './lib/fixtures.js';
import { runClients, trackedKey } from './lib/judged-load.js';
import { memoryOf, startOcto, stop } from './lib/servers.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const SECONDS = arg('seconds', 30);
const CLIENTS = arg('clients', 64);
const BIN = fileURLToPath(new URL('../bin/octo.js', import.meta.url));
// Asked of the binary (a stale dist/ may hold files of commands this build lacks).
const HAS_BACKUP = /^\s+backup\b/m.test(spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }).stdout);

const dir = mkdtempSync(join(tmpdir(), 'octo-stress-serve-'));
const { db, channelKey, bearerKey } = await buildKeystore(dir, 10_000);
const env = { ...benchEnv(dir), OCTO_DB: db };
const figures = { cliChanges: 0, killed: 0, killedAfterCommit: 0, backups: 0, hostile: 0, hostileWrong: 0 };

/** Runs octo with --json; resolves with the parsed output, or rejects with its stderr. */
function octo(args, killAfterMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs ?? 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killAfterMs !== undefined) return resolve({ killed: signal === 'SIGKILL' });
      if (code === 0) resolve(out ? JSON.parse(out) : {});
      else reject(new Error(`octo ${args.join(' ')} exited ${code ?? signal}: ${err}`));
    });
  });
}

const steady = [trackedKey(channelKey, 'octopods'), trackedKey(bearerKey, 'bearer')];
const churn = [];
const pick = () => {
  const pool = churn.length && Math.random() < 0.5 ? churn : steady;
  return pool[Math.floor(Math.random() * pool.length)];
};

async function ending(key, args) {
  key.endingFrom = performance.now();
  const result = await octo(args);
  key.endedAt = performance.now();
  figures.cliChanges++;
  return result;
}

/** One round: a bearer key made and rotated, its successor's revoke killed mid-way, a killed create. */
async function changeRound(round) {
  const created = await octo(['keys', 'create', 'bearer', '--name', `soak-${round}`]);
  const bearer = { ...trackedKey(created.secret, 'bearer'), id: created.key.id };
  churn.push(bearer);
  const successor = await ending(bearer, ['keys', 'rotate', bearer.id]);
  const next = { ...trackedKey(successor.secret, 'bearer'), id: successor.key.id };
  churn.push(next);
  // A revoke killed at a random moment of its life: known only by asking afterwards.
  next.endingFrom = performance.now();
  const { killed } = await octo(['keys', 'revoke', next.id, '--yes'], 100 + Math.random() * 500);
  if (killed) figures.killed++;
  const status = (await octo(['keys', 'show', next.id])).key.status;
  if (status === 'revoked') {
    next.endedAt = performance.now();
    if (killed) figures.killedAfterCommit++;
  } else {
    next.endingFrom = null;
    await ending(next, ['keys', 'revoke', next.id, '--yes']);
  }
  const { killed: createKilled } = await octo(['keys', 'create', 'bearer', '--name', `killed-${round}`], 100 + Math.random() * 500);
  if (createKilled) figures.killed++;
  if (HAS_BACKUP && round % 3 === 0) {
    await octo(['backup', join(dir, 'backup.db'), '--yes']);
    figures.backups++;
  }
}

/** Garbage, a NUL in a header, or a 5 MiB body: never a 5xx, never a dead server. */
function hostile(port, round) {
  const five = Buffer.alloc(5 * 1024 * 1024, 'a');
  const inputs = [
    [Buffer.from('\x00\x01 NOT HTTP\r\n\r\n'), 400],
    [Buffer.from(`GET /v1/posts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${bearerKey}\x00\r\n\r\n`), 400],
    [Buffer.concat([Buffer.from(`POST /api/v1/sms/messages HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${five.length}\r\n\r\n`), five]), 413],
  ];
  const [bytes, expected] = inputs[round % inputs.length];
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      figures.hostile++;
      if (!answer.startsWith(`HTTP/1.1 ${expected} `)) {
        figures.hostileWrong++;
        console.error(`hostile input ${round % inputs.length}: expected ${expected}, got ${JSON.stringify(answer.slice(0, 60))}`);
      }
      resolve();
    });
    socket.end(bytes);
  });
}

const server = await startOcto(db, env);
const port = Number(new URL(server.url).port);
console.error(`stress-serve: ${SECONDS} s, ${CLIENTS} clients, keystore with 10,000 keys${HAS_BACKUP ? ', with backups' : ' (no octo backup in this build: skipped)'}`);

const started = performance.now();
const deadline = started + SECONDS * 1000;
const faults = (async () => {
  for (let round = 0; performance.now() < deadline; round++) {
    await Promise.all([changeRound(round), hostile(port, round)]);
  }
})();
const report = await runClients(port, CLIENTS, pick, faults);
const elapsed = (performance.now() - started) / 1000;
let faultError = null;
await faults.catch((err) => (faultError = err));
const serverDied = server.child.exitCode !== null || server.child.signalCode !== null;
const memory = memoryOf(server.child.pid);
if (!serverDied) await stop(server);
rmSync(dir, { recursive: true, force: true });

const lines = [
  ['requests', report.sent],
  ['answered', report.answered],
  ['concurrency', CLIENTS],
  ['requests/s', Math.round(report.sent / elapsed)],
  ['accepted / refused', `${report.accepted} / ${report.refused}`],
  ['errors (lost requests)', report.errors.length],
  ['wrong answers', report.wrong.length],
  ['CLI changes (create excluded)', figures.cliChanges],
  ['faults injected (CLI writers killed with SIGKILL)', `${figures.killed} (${figures.killedAfterCommit} revokes had committed)`],
  ['online backups', HAS_BACKUP ? figures.backups : 'skipped: no octo backup'],
  ['hostile requests (wrong answers)', `${figures.hostile} (${figures.hostileWrong})`],
  ['server peak RSS', `${memory.peakMiB.toFixed(0)} MiB`],
];
for (const [name, value] of lines) console.log(`${name}: ${value}`);
for (const problem of [...report.wrong, ...report.errors].slice(0, 10)) console.log(`  ${problem}`);
if (faultError) console.log(`fault driver failed: ${faultError.message}`);
if (serverDied) console.log('the server died');
const failed = report.wrong.length || report.errors.length || report.answered !== report.sent || figures.hostileWrong || faultError || serverDied;
process.exitCode = failed ? 1 : 0;
