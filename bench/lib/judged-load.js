// Many keep-alive clients against a running verifier, each answer judged against what the CLI did
// to its key and when (issue 6), shared by test/server/load.test.ts and bench/stress-serve.js. A key
// is owed a 2xx until a change to it starts, and a refusal from the moment the command that revoked
// or rotated it returned; in between, either answer is right. Plain JS, so the soak needs no build.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

const SMS = JSON.stringify({ destination_phone: '+15551234567', body: 'load' });

/** A key to send: `endingFrom` / `endedAt` are performance.now() times, null while untouched. */
export function trackedKey(secret, family) {
  return { secret, family, endingFrom: null, endedAt: null };
}

function send(agent, port, key) {
  const octopods = key.family === 'octopods';
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, agent, method: octopods ? 'POST' : 'GET', path: octopods ? '/api/v1/sms/messages' : '/v1/posts',
      headers: octopods
        ? { 'x-octopods-auth': key.secret, 'content-type': 'application/json', 'content-length': Buffer.byteLength(SMS) }
        : { authorization: `Bearer ${key.secret}` },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(octopods ? SMS : undefined);
  });
}

/** Runs `clients` loops until `until` settles; each request sends the key `pick()` returns. */
export async function runClients(port, clients, pick, until) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const report = { sent: 0, answered: 0, accepted: 0, refused: 0, errors: [], wrong: [] };
  let stop = false;
  const halt = () => void (stop = true);
  until.then(halt, halt);
  const loop = async () => {
    // Bounded even if `until` never settles.
    for (let i = 0; i < 1_000_000 && !stop; i++) {
      const key = pick();
      const started = performance.now();
      report.sent++;
      try {
        const { status, body } = await send(agent, port, key);
        report.answered++;
        judge(key, started, performance.now(), status, body, report);
      } catch (err) {
        report.errors.push(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  agent.destroy();
  return report;
}

function judge(key, started, finished, status, body, report) {
  const ok = status >= 200 && status < 300;
  if (ok) report.accepted++;
  else report.refused++;
  const expectRefusal = key.endedAt !== null && started > key.endedAt;
  const expectAccept = key.endingFrom === null || finished < key.endingFrom;
  const refusal = key.family === 'octopods' ? status === 400 && body.includes('DEPRECATED_API_KEY') : status === 401;
  if (status >= 500) report.wrong.push(`${status} ${body}`);
  else if (expectRefusal && !refusal) report.wrong.push(`accepted or wrongly refused after its end: ${status} ${body}`);
  else if (expectAccept && !ok) report.wrong.push(`refused while valid: ${status} ${body}`);
  else if (!ok && !refusal) report.wrong.push(`unexpected answer: ${status} ${body}`);
}
