import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/core/key-format.js';
import { Sandbox } from '../helpers/cli.js';
import { pathWithOcto, runScript, shellBlock } from '../helpers/readme.js';

/**
 * The README's plain-shell CI example ("Testing your integration", "In CI") is run in sh as written,
 * with three stand-ins a reader makes too: a real fixed secret for the `octo_ch_…` placeholder, the
 * application's test (`npm test`) replaced by the one call it makes, and the fixed /tmp paths moved
 * into the test's own folder (so that parallel runs cannot share them).
 */
const SCRIPT = shellBlock('\n### In CI\n', 'A plain shell script');

function asRun(dir: string, appCall: string, secret: string): string {
  const lines = SCRIPT.split('\n');
  const npmTest = lines.findIndex((line) => /^npm test\b/.test(line));
  if (npmTest < 0) throw new Error('the README CI script no longer runs `npm test`');
  lines[npmTest] = appCall;
  return lines.join('\n').replaceAll('octo_ch_…', secret).replaceAll('/tmp/', `${dir}/`);
}

/**
 * What the application under test sends: one SMS, with the key it was given. A refused call does
 * not stop the script here: the application's own test may not notice it, and the outbox step is
 * what must catch it.
 */
function smsCall(key: string): string {
  const body = JSON.stringify({ destination_phone: '+15551234567', body: 'Your code is 4321' });
  return `curl -fsS -o /dev/null -X POST "$OCTOPODS_BASE_URL/api/v1/sms/messages" -H "X-Octopods-Auth: ${key}" `
    + `-H 'Content-Type: application/json' -d '${body}' || true`;
}

async function logOnceStopped(path: string): Promise<string> {
  const log = () => (existsSync(path) ? readFileSync(path, 'utf8') : '');
  await expect.poll(log, { timeout: 10_000, interval: 50 }).toMatch(/^stopped$/m);
  return log();
}

describe('README: the plain-shell CI example', () => {
  const sandbox = new Sandbox();
  afterAll(() => sandbox.cleanup());
  // TMPDIR: where `--ephemeral` puts its keystore, so that the test can see it removed.
  const tmp = join(sandbox.dir, 'tmp');
  mkdirSync(tmp);
  const env = () => ({ ...sandbox.env, PATH: pathWithOcto(sandbox.dir), TMPDIR: tmp });
  const secret = generateKey('octo_ch_');

  it('passes when the application sent the SMS: exit 0, the outbox asserted, reset, serve stopped in order', async () => {
    // The script's trap stops serve; the group is killed only if it is still there 10 s later.
    const r = await runScript('sh', asRun(sandbox.dir, smsCall('$OCTOPODS_SMS_KEY'), secret), sandbox.dir, env(), 10_000);

    expect(r.code, r.stderr + r.stdout).toBe(0);
    // `messages wait` printed the message it waited for; the reset answered.
    expect(r.stdout).toMatch(/msg_\w+ POST \/api\/v1\/sms\/messages sms1 → \+15551234567: Your code is 4321/);
    expect(r.stdout).toContain('{"reset":true}');
    const log = await logOnceStopped(join(sandbox.dir, 'octo.log'));
    expect(log).toMatch(/^fixtures: 3 created/m);
    expect(log).toMatch(/ POST \/api\/v1\/sms\/messages 202 key_\w+ ok /);
    // Every request answered before the signal is logged before the line that says it came.
    expect(log.indexOf('POST /_octo/reset 200')).toBeGreaterThan(0);
    expect(log.indexOf('POST /_octo/reset 200')).toBeLessThan(log.indexOf('SIGTERM: finishing in-flight requests'));
    // The ephemeral keystore goes as the process exits, just after it says "stopped".
    await expect.poll(() => readdirSync(tmp).filter((name) => name.startsWith('octo-serve-')), { timeout: 10_000, interval: 50 }).toEqual([]);
  });

  // In the same folder as the run before, whose octo.log is still there: the script must not read
  // that log's "listening on" line as this run's.
  it('fails, saying why, when the application used the wrong key: exit 1 and the refusal listed', async () => {
    const wrong = generateKey('octo_ch_');
    // What a stale log would send the script to, were it read: a port where nothing listens.
    writeFileSync(join(sandbox.dir, 'octo.log'), 'listening on http://127.0.0.1:1\n');
    // The wait is cut from 10 s to 1 s; the rest of the failure path runs as written.
    expect(SCRIPT).toContain('--timeout 10s');
    const script = asRun(sandbox.dir, smsCall(wrong), secret).replace('--timeout 10s', '--timeout 1s');

    const r = await runScript('sh', script, sandbox.dir, env(), 10_000);

    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no message to +15551234567 containing "Your code" was accepted within 1s');
    expect(r.stderr).toContain('the last refused request: POST /api/v1/sms/messages → 401 unknown_key');
    expect(r.stdout).toMatch(/POST\s+\/api\/v1\/sms\/messages\s+401\b.*unknown_key/);
    expect(r.stdout + r.stderr).not.toContain(wrong);
    await logOnceStopped(join(sandbox.dir, 'octo.log'));
  });
});
