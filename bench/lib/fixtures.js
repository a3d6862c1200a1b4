// Builds benchmark keystores: real subjects and keys through the app layer (so the verifier sees
// exactly what a user would create), plus N filler keys seeded through the store layer in one
// transaction (1,000,000 rows in seconds, not the hours the CLI would take).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppContext } from '../../dist/app/context.js';
import { createKey } from '../../dist/app/keys.js';
import { addChannel, addWorkspace } from '../../dist/app/subjects.js';

export const MASTER_KEY = randomBytes(32).toString('base64');

export function benchEnv(dir) {
  return { ...process.env, OCTO_MASTER_KEY: MASTER_KEY, XDG_CONFIG_HOME: join(dir, 'config'), OCTO_ACTOR: 'bench' };
}

/** A keystore with a workspace, an SMS channel and its key, a bearer key, and `filler` more keys. */
export async function buildKeystore(dir, filler) {
  mkdirSync(dir, { recursive: true });
  const db = join(dir, `keystore-${filler}.db`);
  const ctx = new AppContext(benchEnv(dir), db);
  await addWorkspace(ctx, { name: 'Acme', platform: 'intercom', id: 'acme' });
  await addChannel(ctx, { name: 'Support', workspace: 'acme', type: 'sms', id: 'sms1' });
  const channelKey = (await createKey(ctx, { kind: 'channel', channel: 'sms1' })).secret;
  const bearerKey = (await createKey(ctx, { kind: 'bearer', name: 'bench', scopes: ['posts:read'] })).secret;
  await seedFiller(ctx, filler);
  await ctx.close();
  return { db, channelKey, bearerKey };
}

async function seedFiller(ctx, count) {
  const store = await ctx.keystore();
  const now = Date.now();
  const batch = 50_000;
  for (let start = 0; start < count; start += batch) {
    await store.transaction(async () => {
      for (let i = start; i < Math.min(count, start + batch); i++) {
        const hash = createHash('sha256').update(`filler-${i}-${now}`).digest();
        await store.keys.insert({
          id: `key_f${i.toString(36).padStart(9, '0')}`,
          kind: 'bearer', name: `filler ${i}`, env: i % 2 ? 'live' : 'test', subjectType: null, subjectId: null,
          hash, secretSealed: null, masked: 'oct_live_fill…fill', scopes: i % 3 ? ['posts:read'] : null,
          rateLimit: null, createdAt: now - i, expiresAt: null, replaces: null,
        });
      }
    });
  }
}
