import type { ServerResponse } from 'node:http';
import type { RequestLog } from '../server/http.js';
import { scrubPath } from '../server/request-log.js';

/** One line of the live request log: what `serve` prints, never the key (the path is scrubbed). */
export interface JournalEntry {
  at: string;
  method: string;
  path: string;
  status: number;
  key_id: string | null;
  reason: string;
  ms: number;
}

const JOURNAL_SIZE = 200;
/** How often the keystore's change counter is read while a page is open. */
const POLL_MS = 300;
/** A comment line now and then, so that proxies and browsers keep an idle stream open. */
const KEEPALIVE_MS = 15_000;

/**
 * Server-Sent Events to every open page: `change` when the keystore changed (a command of the CLI,
 * another verifier, or this dashboard), `request` for each request the verifier answered, and
 * `delivery` when a webhook attempt was recorded. The counter is read only while a page listens.
 */
export class LiveEvents {
  private readonly clients = new Set<ServerResponse>();
  private readonly journal: JournalEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private keepalive: NodeJS.Timeout | null = null;
  private counter: number | null = null;

  constructor(private readonly changeCounter: () => number) {}

  recent(): readonly JournalEntry[] {
    return this.journal;
  }

  /** Called for every verifier request: kept in a ring of the last JOURNAL_SIZE, sent to open pages. */
  request(entry: RequestLog): void {
    const line: JournalEntry = {
      at: new Date().toISOString(), method: entry.method, path: scrubPath(entry.path), status: entry.status,
      key_id: entry.keyId, reason: entry.reason, ms: Math.round(entry.ms * 100) / 100,
    };
    this.journal.unshift(line);
    if (this.journal.length > JOURNAL_SIZE) this.journal.pop();
    if (this.clients.size > 0) this.send('request', JSON.stringify(line));
  }

  changed(): void {
    this.send('change', '{}');
  }

  delivery(): void {
    this.send('delivery', '{}');
  }

  subscribe(res: ServerResponse, headers: Record<string, string>): void {
    res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopPolling();
    });
    this.startPolling();
  }

  close(): void {
    this.stopPolling();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private send(event: string, data: string): void {
    for (const res of this.clients) res.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  private startPolling(): void {
    if (this.timer) return;
    this.counter = this.changeCounter();
    this.timer = setInterval(() => {
      const now = this.changeCounter();
      if (now !== this.counter) {
        this.counter = now;
        this.changed();
      }
    }, POLL_MS);
    this.keepalive = setInterval(() => {
      for (const res of this.clients) res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.timer.unref();
    this.keepalive.unref();
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.keepalive) clearInterval(this.keepalive);
    this.timer = this.keepalive = null;
  }
}
