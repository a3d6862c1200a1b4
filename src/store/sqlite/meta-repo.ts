import type { MetaRepository } from '../keystore.js';
import { raiseStoreErrors } from './errors.js';
import type { Db } from './open.js';

export class MetaRepo implements MetaRepository {
  constructor(private readonly db: Db, private readonly location: string) {}

  async get(key: string): Promise<string | undefined> {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key)?.value;
  }

  /** Sets `key` only if it has no value yet; returns the value in force afterwards. */
  async setIfAbsent(key: string, value: string): Promise<string> {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING').run(key, value);
    return (await this.get(key))!;
  }
}

raiseStoreErrors(MetaRepo);
