import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';
import { portOf } from '../helpers/raw-http.js';
import { request, startServe } from '../helpers/serve.js';

/**
 * Where `octo serve` listens: loopback unless `--host` says otherwise, and a warning on stderr when
 * told to listen on every interface. Connections are only ever made to 127.0.0.1.
 */
let sandbox: Sandbox;

beforeAll(() => {
  sandbox = new Sandbox();
});

afterAll(() => sandbox?.cleanup());

describe('exposure', () => {
  it('binds 127.0.0.1 by default, without a warning', async () => {
    const serve = await startServe(sandbox);
    try {
      expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await request(`${serve.url}/healthz`, 'GET')).status).toBe(200);
      expect(serve.stderr()).not.toMatch(/warning|other machines/i);
    } finally {
      await serve.stop();
    }
  });

  it('warns on stderr when told to listen on 0.0.0.0', async () => {
    const serve = await startServe(sandbox, ['--host', '0.0.0.0']);
    try {
      expect(serve.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      expect((await request(`http://127.0.0.1:${portOf(serve.url)}/healthz`, 'GET')).status).toBe(200);
      expect(serve.stderr()).toMatch(/listening on 0\.0\.0\.0: other machines can reach this verifier/);
      expect(serve.stdout()).not.toMatch(/other machines/); // stdout stays data: the address, then the log
    } finally {
      await serve.stop();
    }
  });

  it('warns under --json too, as a JSON line on stderr', async () => {
    const serve = await startServe(sandbox, ['--host', '0.0.0.0', '--json']);
    try {
      expect((await request(`http://127.0.0.1:${portOf(serve.url)}/healthz`, 'GET')).status).toBe(200);
      const lines = serve.stderr().trim().split('\n').map((l) => JSON.parse(l) as unknown);
      expect(lines).toContainEqual({ event: 'warning', message: 'listening on 0.0.0.0: other machines can reach this verifier' });
    } finally {
      await serve.stop();
    }
  });
});
