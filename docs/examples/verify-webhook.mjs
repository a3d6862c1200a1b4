import { createHmac, timingSafeEqual } from 'node:crypto';

const TOLERANCE_S = 300; // refuse signatures more than 5 minutes from now: replays and skewed clocks

export function verifyOctoSignature(rawBody, header, secret, nowMs = Date.now()) {
  const items = String(header ?? '').split(',').map((item) => item.trim().split('='));
  const t = Number(items.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowMs / 1000 - t) > TOLERANCE_S) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  // One v1= per valid secret (two during a rotation): any one that matches will do.
  return items.some(([key, hex]) => key === 'v1' && /^[0-9a-f]{64}$/.test(hex ?? '')
    && timingSafeEqual(Buffer.from(hex, 'hex'), expected));
}

// A node:http handler: createServer(handleOctoWebhook).listen(3000)
export function handleOctoWebhook(req, res) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const rawBody = Buffer.concat(chunks); // the raw bytes: verify before parsing the JSON
    if (!verifyOctoSignature(rawBody, req.headers['x-octo-signature'], process.env.OCTO_WEBHOOK_SECRET)) {
      res.writeHead(400).end('bad signature');
      return;
    }
    const event = JSON.parse(rawBody.toString('utf8'));
    console.log(event.type, event.id, req.headers['x-octo-delivery']); // a retry repeats the delivery id
    res.writeHead(204).end();
  });
}
