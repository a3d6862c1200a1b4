import { parseDuration } from '../core/duration.js';
import {
  matches, storedMessageView, storedRequestView, type JournalEntry, type MessageFilter, type OutboxMessage, type StoredMessage, type StoredRequest,
} from '../core/twin.js';
import type { Keystore, TwinPage } from '../store/keystore.js';
import type { AppContext } from './context.js';
import { namedTwinServer, serverTwin, sleep, type JournalPage, type TwinQuery, type TwinSource } from './twin-client.js';

/**
 * The local twin as `octo serve` wrote it to the keystore (server/twin-archive.ts): what
 * `octo messages` and `octo requests` read when no verifier is named (SPEC §12). A verifier writes
 * a batch every fraction of a second, so following (`messages wait`, `requests tail`) asks the
 * keystore for newer records every POLL_MS.
 */
export const POLL_MS = 100;

/** Records read per query: a listing filtered on the body reads pages until it has its `limit`. */
const PAGE = 500;

export class KeystoreTwin implements TwinSource {
  readonly idleHint = 'is `octo serve` running on this keystore, and the application sending to it? (an --ephemeral one is reached only with --server)';

  constructor(private readonly store: Keystore, private readonly now: () => number) {}

  async listMessages(query: TwinQuery): Promise<OutboxMessage[]> {
    return this.messages(this.messageFilter(query), limitOf(query), {});
  }

  async waitForMessage(query: TwinQuery, timeoutMs: number): Promise<OutboxMessage | null> {
    const deadline = this.now() + timeoutMs;
    const filter = this.messageFilter(query);
    let seen = 0;
    for (;;) {
      // Up to the newest now, so that the next look starts where this one ended.
      const newest = await this.store.twin.last('messages');
      const [found] = await this.messages(filter, 1, { after: seen, before: newest + 1 });
      if (found) return found;
      seen = newest;
      const left = deadline - this.now();
      if (left <= 0) return null;
      await sleep(Math.min(POLL_MS, left));
    }
  }

  async listRequests(query: TwinQuery): Promise<JournalPage> {
    const last = await this.store.twin.last('requests');
    const requests = await this.requests({ ...this.requestPage(query), limit: limitOf(query), before: last + 1 });
    return { requests, last };
  }

  async tailRequests(query: TwinQuery, backlog: number, onEntry: (entry: JournalEntry) => void, signal: AbortSignal): Promise<void> {
    const first = await this.listRequests({ ...query, limit: backlog > 0 ? backlog : 1 });
    if (backlog > 0) for (const entry of first.requests.reverse()) onEntry(entry);
    let after = first.last;
    const page = this.requestPage({ ...query, since: undefined });
    while (!signal.aborted) {
      await sleep(POLL_MS, signal);
      // Oldest first, a page at a time, so that a burst between two looks comes out whole.
      for (;;) {
        if (signal.aborted) return;
        const found = await this.requests({ ...page, limit: PAGE, after, oldestFirst: true });
        for (const entry of found) onEntry(entry);
        if (found.length > 0) after = found.at(-1)!.seq;
        if (found.length < PAGE) break;
      }
    }
  }

  /** Newest first: pages of records, parsed and matched, until `limit` match or none are left. */
  private async messages(filter: MessageFilter, limit: number, bounds: Pick<TwinPage, 'after' | 'before'>): Promise<OutboxMessage[]> {
    const found: OutboxMessage[] = [];
    let before = bounds.before;
    // A destination and a body's text are string values of the body, so segments without them need
    // no parsing; but not a destination that may be a number's text: a chat_id sent as 1e3 is "1000".
    const containing = [filter.to !== undefined && String(Number(filter.to)) === filter.to ? undefined : filter.to, filter.bodyContains]
      .filter((text) => text !== undefined);
    for (;;) {
      const page = await this.store.twin.page('messages', {
        limit: PAGE, ...bounds, ...(before !== undefined ? { before } : {}), ...(filter.since !== undefined ? { since: filter.since } : {}),
        containing,
      });
      for (const record of page) {
        const message = storedMessageView(record.entry as unknown as StoredMessage);
        if (matches(message, filter) && found.push(message) >= limit) return found;
      }
      if (page.length < PAGE) return found;
      before = page.at(-1)!.seq;
    }
  }

  private async requests(page: TwinPage): Promise<JournalEntry[]> {
    const records = await this.store.twin.page('requests', page);
    return records.map((r) => storedRequestView(r.seq, r.entry as unknown as StoredRequest));
  }

  private messageFilter(query: TwinQuery): MessageFilter {
    const filter: MessageFilter = {};
    if (query.to !== undefined) filter.to = String(query.to);
    if (query.channel !== undefined) filter.channel = String(query.channel);
    if (query.body_contains !== undefined) filter.bodyContains = String(query.body_contains);
    const since = this.sinceOf(query);
    if (since !== undefined) filter.since = since;
    return filter;
  }

  private requestPage(query: TwinQuery): Omit<TwinPage, 'limit'> {
    const page: Omit<TwinPage, 'limit'> = {};
    if (query.status !== undefined) page.status = String(query.status);
    if (query.reason !== undefined) page.reason = String(query.reason);
    const since = this.sinceOf(query);
    if (since !== undefined) page.since = since;
    return page;
  }

  private sinceOf(query: TwinQuery): number | undefined {
    return query.since === undefined ? undefined : this.now() - parseDuration(String(query.since), '--since') * 1000;
  }
}

function limitOf(query: TwinQuery): number {
  return query.limit === undefined ? Number.MAX_SAFE_INTEGER : Number(query.limit);
}

/**
 * `--server URL` or `$OCTO_SERVER`: that verifier; else the keystore, where serve writes the twin.
 * A listing of a keystore not created yet is empty, as every listing's is; following one
 * (`follows`) is an error, even at the default location: nothing would ever arrive there.
 */
export async function twinSource(ctx: AppContext, serverFlag: string | undefined, follows: boolean): Promise<TwinSource> {
  const server = namedTwinServer(serverFlag, ctx.env);
  if (server) return serverTwin(server);
  const store = follows
    ? await ctx.existingKeystore('`octo serve` writes its outbox and journal to the keystore it runs on: pass that one with --db (or OCTO_DB), or --server with the URL of a running serve (the only way to reach an --ephemeral one)')
    : await ctx.keystore();
  return new KeystoreTwin(store, () => ctx.now());
}
