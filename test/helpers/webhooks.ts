import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Received } from './receiver.js';

/**
 * SPEC §9 read independently of src/: the header is `t=<unix seconds>,v1=<hex>[,v1=<hex>...]` and
 * hex is HMAC-SHA256 keyed with the secret over `<t>.<raw body>`.
 */
export function specSignatures(req: Received): { t: number; v1: string[] } {
  const header = String(req.headers['x-octo-signature']);
  const m = /^t=(\d+)((?:,v1=[0-9a-f]{64})+)$/.exec(header);
  if (!m) throw new Error(`not a SPEC §9 signature header: ${header}`);
  return { t: Number(m[1]), v1: m[2]!.split(',v1=').slice(1) };
}

export function specHex(secret: string, t: number, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(Buffer.concat([Buffer.from(`${t}.`), rawBody])).digest('hex');
}

/** Which of `secrets` signed this request, in the order of its v1= values. */
export function signedBy(req: Received, secrets: Record<string, string>): string[] {
  const { t, v1 } = specSignatures(req);
  return v1.map((hex) => Object.entries(secrets).find(([, s]) => specHex(s, t, req.body) === hex)?.[0] ?? 'unknown');
}

export interface Snippet {
  verifyOctoSignature(rawBody: Buffer, header: unknown, secret: string, nowMs?: number): boolean;
  handleOctoWebhook(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void;
}

export const SNIPPET_PATH = resolve(import.meta.dirname, '../../docs/examples/verify-webhook.mjs');

/** The README's verification snippet, loaded from the file the README quotes. */
export async function loadSnippet(): Promise<Snippet> {
  return (await import(pathToFileURL(SNIPPET_PATH).href)) as Snippet;
}
