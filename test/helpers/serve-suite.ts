import { existsSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, expect } from 'vitest';
import { AppContext } from '../../src/app/context.js';
import { addChannel, addWorkspace } from '../../src/app/subjects.js';
import { Sandbox } from './cli.js';
import { request, type RunningServe } from './serve.js';

/**
 * For a file of hostile requests to one `octo serve`: after every case the process is alive and
 * `GET /healthz` answers 200; at the end it is killed and the sandbox removed.
 */
export function servesThroughout(world: () => { serve: RunningServe | undefined; sandbox: Sandbox | undefined }): void {
  afterEach(async () => {
    const { serve } = world();
    expect(serve!.proc.exitCode).toBeNull();
    expect((await request(`${serve!.url}/healthz`, 'GET')).status).toBe(200);
  });
  afterAll(async () => {
    const { serve, sandbox } = world();
    await serve?.stop('SIGKILL');
    sandbox?.cleanup();
  });
}

/** Peak resident memory of a process in MiB, or null where there is no /proc (not Linux). */
export function peakMiB(pid: number): number | null {
  const status = `/proc/${pid}/status`;
  return existsSync(status) ? Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(status, 'utf8'))![1]) / 1024 : null;
}

/** A sandbox holding workspace `acme`, its SMS channel `sms1`, and that channel's key. */
export async function smsSandbox(): Promise<{ sandbox: Sandbox; channelKey: string }> {
  const sandbox = new Sandbox();
  const ctx = new AppContext(sandbox.env);
  await addWorkspace(ctx, { name: 'Acme', platform: 'intercom', id: 'acme' });
  await addChannel(ctx, { name: 'Support line', workspace: 'acme', type: 'sms', id: 'sms1' });
  await ctx.close();
  const channelKey = (await sandbox.json<{ secret: string }>(['keys', 'create', 'channel', '--channel', 'sms1'])).secret;
  return { sandbox, channelKey };
}
