// npm run stress: a longer soak of the keystore under many writers and kill -9 (issue 6), against
// the built CLI in dist/. Bounded: STRESS_SECONDS (default 90) of rounds per phase at most, each
// process killed after 30 s. Prints its figures; exits 1 if any invariant broke or a lock error
// reached a user.
//   STRESS_SECONDS=30 STRESS_WRITERS=32 npm run stress
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { keystoreCounts, keystoreProblems } from './invariants.js';

const BIN = resolve(import.meta.dirname, '../bin/octo.js');
const SECONDS = Number(process.env.STRESS_SECONDS ?? 90);
const WRITERS = Number(process.env.STRESS_WRITERS ?? 32);
const MAX_ROUNDS = 50;
const LOCKED = /SQLITE_BUSY|database is locked|"internal"/;

const dir = mkdtempSync(join(tmpdir(), 'octo-stress-'));
const env = {
  ...process.env,
  HOME: dir,
  XDG_DATA_HOME: join(dir, 'data'),
  XDG_CONFIG_HOME: join(dir, 'config'),
  OCTO_MASTER_KEY: randomBytes(32).toString('base64'),
  OCTO_ACTOR: 'stress',
};

function octo(db, args, killAfterMs) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args, '--json'], { env: { ...env, OCTO_DB: db }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const fault = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      clearTimeout(fault);
      done({ code, signal, stdout, stderr });
    });
  });
}

async function must(db, args) {
  const r = await octo(db, args);
  if (r.code !== 0) throw new Error(`octo ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A mixed batch of writes against one keystore: subjects, bearer keys, races on shared keys. */
async function batch(db, round) {
  const ws = `ws${round}`;
  await must(db, ['workspaces', 'add', `W${round}`, '--platform', 'intercom', '--id', ws]);
  await must(db, ['channels', 'add', `C${round}`, '--workspace', ws, '--type', 'sms', '--id', `ch${round}`]);
  const shared = (await must(db, ['keys', 'create', 'bearer', '--name', `shared${round}`])).key.id;
  const jobs = [];
  for (let i = 0; i < WRITERS; i++) {
    switch (i % 6) {
      case 0: jobs.push(['workspaces', 'add', `W${round}.${i}`, '--platform', 'hubspot']); break;
      case 1: jobs.push(['keys', 'create', 'bearer', '--name', `b${round}.${i}`, '--scope', 'posts:read']); break;
      case 2: jobs.push(['keys', 'create', 'channel', '--channel', `ch${round}`]); break;
      case 3: jobs.push(['keys', 'rotate', shared, '--grace', '1h']); break;
      case 4: jobs.push(['keys', 'create', 'workspace', '--workspace', ws]); break;
      default: jobs.push(['channels', 'add', `C${round}.${i}`, '--workspace', ws, '--type', 'viber']);
    }
  }
  return jobs;
}

async function phase(name, run) {
  const started = Date.now();
  const figures = { phase: name, rounds: 0, processes: 0, succeeded: 0, refused: 0, killed: 0, lockErrors: 0, problems: 0, backups: 0 };
  const db = join(dir, `${name}.db`);
  while (figures.rounds < MAX_ROUNDS && Date.now() - started < SECONDS * 1000) {
    const results = await run(db, figures.rounds, figures);
    figures.rounds++;
    for (const r of results) {
      figures.processes++;
      if (r.signal === 'SIGKILL') figures.killed++;
      else if (r.code === 0) figures.succeeded++;
      else figures.refused++;
      if (LOCKED.test(r.stderr)) {
        figures.lockErrors++;
        console.error(`lock error reached the user: ${r.stderr.trim()}`);
      }
    }
    const problems = keystoreProblems(db);
    figures.problems += problems.length;
    for (const p of problems) console.error(`${name} round ${figures.rounds}: ${p}`);
  }
  Object.assign(figures, keystoreCounts(db), { seconds: Math.round((Date.now() - started) / 100) / 10 });
  return figures;
}

const results = [];
try {
  results.push(await phase('concurrency', async (db, round, figures) => {
    const jobs = await batch(db, round);
    const backup = join(dir, `backup-${round}.db`);
    const all = await Promise.all([...jobs.map((args) => octo(db, args)), octo(db, ['backup', backup])]);
    figures.backups++;
    const problems = keystoreProblems(backup);
    figures.problems += problems.length;
    for (const p of problems) console.error(`backup ${round}: ${p}`);
    return all;
  }));
  // A round of the first phase took this long: killing each writer at a random moment within it
  // lands before, during and after the writes.
  const windowMs = (results[0].seconds * 1000) / results[0].rounds;
  results.push(await phase('kill-9', async (db, round) => {
    const jobs = await batch(db, round);
    return Promise.all(jobs.map((args) => octo(db, args, Math.floor(Math.random() * windowMs))));
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.table(results);
console.log(JSON.stringify({ stress: results }));
const failed = results.some((f) => f.problems > 0 || f.lockErrors > 0);
console.log(failed ? 'FAILED: see the errors above' : 'ok: every invariant held, no lock error reached a user');
process.exitCode = failed ? 1 : 0;
