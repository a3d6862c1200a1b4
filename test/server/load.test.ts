import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { createKey } from '../../src/app/keys.js';
import { addChannel, addWorkspace } from '../../src/app/subjects.js';
import { BIN, Sandbox } from '../helpers/cli.js';
import { runClients, trackedKey, type LoadReport, type TrackedKey } from '../../bench/lib/judged-load.js';
import { portOf } from '../helpers/raw-http.js';
import { request, startServe, type RunningServe } from '../helpers/serve.js';

/**
 * `octo serve` under 64 concurrent keep-alive clients while other processes change the keystore:
 * the CLI creating, rotating and revoking keys; CLI writers killed with SIGKILL mid-write; an online
 * backup. Every answer is judged against the key's state at the time (bench/lib/judged-load.js), and
 * every request sent is answered.
 */
const CLIENTS = 64;

let sandbox: Sandbox;
let serve: RunningServe;
let port: number;
const steady: TrackedKey[] = [];
const churn: TrackedKey[] = [];

interface Issued { key: { id: string }; secret: string }

beforeAll(async () => {
  sandbox = new Sandbox();
  const ctx = new AppContext(sandbox.env);
  await addWorkspace(ctx, { name: 'Acme', platform: 'intercom', id: 'acme' });
  await addChannel(ctx, { name: 'Steady line', workspace: 'acme', type: 'sms', id: 'sms1' });
  await addChannel(ctx, { name: 'Churn line', workspace: 'acme', type: 'sms', id: 'sms2' });
  // Keys nobody touches: every answer for them must be a 2xx, whatever else happens.
  steady.push(trackedKey((await createKey(ctx, { kind: 'channel', channel: 'sms1' })).secret, 'octopods'));
  for (const name of ['steady-a', 'steady-b']) steady.push(trackedKey((await createKey(ctx, { kind: 'bearer', name })).secret, 'bearer'));
  await ctx.close();
  serve = await startServe(sandbox);
  port = portOf(serve.url);
});

afterAll(async () => {
  await serve?.stop('SIGKILL');
  sandbox?.cleanup();
});

/** Half the requests for a steady key, half for any key the CLI made, ended ones included. */
function pick(): TrackedKey {
  const pool = churn.length && Math.random() < 0.5 ? churn : steady;
  return pool[Math.floor(Math.random() * pool.length)]!;
}

function track(issued: Issued, family: TrackedKey['family']): TrackedKey & { id: string } {
  const key = { ...trackedKey(issued.secret, family), id: issued.key.id };
  churn.push(key);
  return key;
}

/** Runs a CLI command that ends `key` (rotate without grace, revoke), marking when it started and returned. */
async function ending<T>(key: TrackedKey, args: string[]): Promise<T> {
  key.endingFrom = performance.now();
  const result = await sandbox.json<T>(args);
  key.endedAt = performance.now();
  return result;
}

function expectClean(report: LoadReport): void {
  expect(report.wrong).toEqual([]);
  expect(report.errors).toEqual([]);
  expect(report.answered).toBe(report.sent);
  expect(report.sent).toBeGreaterThan(CLIENTS);
}

describe('64 concurrent clients', () => {
  it('while the CLI creates, rotates and revokes keys: every answer right for the key at that time, none lost', async () => {
    const changes = (async () => {
      for (let cycle = 0; cycle < 2; cycle++) {
        const bearer = track(await sandbox.json<Issued>(['keys', 'create', 'bearer', '--name', `churn-${cycle}`]), 'bearer');
        const successor = track(await ending<Issued>(bearer, ['keys', 'rotate', bearer.id]), 'bearer');
        await ending(successor, ['keys', 'revoke', successor.id, '--yes']);
        const channel = track(await sandbox.json<Issued>(['keys', 'create', 'channel', '--channel', 'sms2']), 'octopods');
        const next = track(await ending<Issued>(channel, ['keys', 'rotate', channel.id]), 'octopods');
        await ending(next, ['keys', 'revoke', next.id, '--yes']);
      }
    })();
    const report = await runClients(port, CLIENTS, pick, changes);
    await changes;
    expectClean(report);
    expect(report.accepted).toBeGreaterThan(0);
    expect(report.refused).toBeGreaterThan(0);
    console.info(`load: ${report.sent} requests from ${CLIENTS} clients during 12 CLI changes, ${report.refused} refused as due`);
  }, 120_000);
});

/** Starts `octo ARGS` and kills it with SIGKILL after `afterMs`; resolves with how it ended. */
function killedAfter(args: string[], afterMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args, '--json'], { env: sandbox.env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal });
    });
  });
}

describe('faults', () => {
  it('keeps answering correctly while CLI writers are killed with SIGKILL mid-write, and after', async () => {
    const targets: (TrackedKey & { id: string })[] = [];
    for (let i = 0; i < 6; i++) targets.push(track(await sandbox.json<Issued>(['keys', 'create', 'bearer', '--name', `target-${i}`]), 'bearer'));
    let injected = 0;
    let committed = 0;
    const faults = (async () => {
      // How long one CLI write takes under this load (tens of ms on a quiet machine, hundreds on a
      // busy one): kills spread from a fifth of it to twice it land before, during and after the
      // write (about half of them land). Fixed times (150 to 650 ms) once let every command finish
      // first, and the test failed for want of a fault.
      const started = performance.now();
      await sandbox.json(['keys', 'create', 'bearer', '--name', 'probe']);
      const took = performance.now() - started;
      for (let i = 0; i < targets.length; i++) {
        const target = targets[i]!;
        // The revoke may or may not commit before the kill: until we know, either answer is right.
        target.endingFrom = performance.now();
        const [revoke, create] = await Promise.all([
          killedAfter(['keys', 'revoke', target.id, '--yes'], took * (0.2 + i * 0.4)),
          killedAfter(['keys', 'create', 'bearer', '--name', `killed-${i}`], took * (0.3 + i * 0.3)),
        ]);
        injected += [revoke, create].filter((r) => r.signal === 'SIGKILL').length;
        const status = (await sandbox.json<{ key: { status: string } }>(['keys', 'show', target.id])).key.status;
        if (status === 'revoked') {
          target.endedAt = performance.now();
          committed++;
        } else target.endingFrom = null; // the revoke never committed: the key is owed a 2xx again
      }
    })();
    const report = await runClients(port, CLIENTS, pick, faults);
    await faults;
    expectClean(report);
    expect(injected).toBeGreaterThan(0);
    // After the kills: the keystore takes writes, and serve sees them on the next request.
    const fresh = await sandbox.json<Issued>(['keys', 'create', 'bearer', '--name', 'after-faults']);
    const get = () => request(`${serve.url}/v1/posts`, 'GET', { Authorization: `Bearer ${fresh.secret}` });
    expect((await get()).status).toBe(200);
    await sandbox.json(['keys', 'revoke', fresh.key.id, '--yes']);
    expect((await get()).body).toMatchObject({ reason: 'revoked' });
    console.info(`faults: ${injected} of ${targets.length * 2} CLI writers killed (${committed} of ${targets.length} revokes committed first); ${report.sent} requests all answered right`);
  }, 120_000);

  // `octo backup` came with the keystore half of issue 6: asked of the binary, not of dist's files.
  const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }).stdout;
  const hasBackup = /^\s+backup\b/m.test(help);
  it.skipIf(!hasBackup)('keeps answering correctly while the keystore is backed up', async () => {
    const backups = (async () => {
      for (let i = 0; i < 3; i++) {
        const r = await sandbox.run(['backup', join(sandbox.dir, `backup-${i}.db`), '--yes']);
        expect(r.code, r.stderr).toBe(0);
      }
    })();
    const report = await runClients(port, CLIENTS, pick, backups);
    await backups;
    expectClean(report);
  }, 120_000);
});
