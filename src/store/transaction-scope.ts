import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The transaction the current async call chain runs in, as both keystores tell a nested
 * transaction from a concurrent one: an AsyncLocalStorage that is enabled only while a `run()` is
 * under way. On node 20 an enabled AsyncLocalStorage keeps an async hook on for the whole process,
 * so every tick, promise and socket callback would pay for it, and `serve`, which writes now and
 * then (last use, the twin), would pay it on every request after its first write. `disable()` exits
 * every context at once, and a run may end inside another (a savepoint's, in its transaction's on
 * PostgreSQL): so only the last run to end turns it off, and run() turns it on again.
 */
export class TransactionScope<T> {
  private readonly storage = new AsyncLocalStorage<T>();
  private running = 0;

  get current(): T | undefined {
    return this.storage.getStore();
  }

  async run<R>(value: T, fn: () => Promise<R>): Promise<R> {
    this.running++;
    try {
      return await this.storage.run(value, fn);
    } finally {
      if (--this.running === 0) this.storage.disable();
    }
  }
}
