import type { ServerResponse } from 'node:http';
import type { JournalEntry } from '../core/twin.js';

/** How many of the journal's newest requests the Requests page shows. */
export const REQUESTS_SHOWN = 200;
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
  private timer: NodeJS.Timeout | null = null;
  private keepalive: NodeJS.Timeout | null = null;
  private counter: number | null = null;

  /**
   * `newest(n)`: the request journal's newest n entries (serve's RequestJournal, the one
   * `/_octo/requests` and `octo requests` read: key ids and scrubbed paths, never a key).
   */
  constructor(private readonly changeCounter: () => number, private readonly newest: (n: number) => readonly JournalEntry[]) {}

  recent(): readonly JournalEntry[] {
    return this.newest(REQUESTS_SHOWN);
  }

  /** Called after each verifier request was journaled: the entry goes to the open pages. */
  request(): void {
    if (this.clients.size === 0) return;
    const entry = this.newest(1)[0];
    if (entry) this.send('request', JSON.stringify(entry));
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
