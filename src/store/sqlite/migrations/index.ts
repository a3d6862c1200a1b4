import type { Database } from 'better-sqlite3';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-webhooks.js';
import * as m0003 from './0003-subject-tombstones.js';
import * as m0004 from './0004-list-order.js';
import * as m0005 from './0005-webhook-signature-scheme.js';
import * as m0006 from './0006-twin.js';
import * as m0007 from './0007-twin-own-file.js';

/**
 * Forward migrations, one file per schema version (`NNNN-description.ts`); entry i brings the
 * schema to version i + 1. Append only: a shipped migration is never edited.
 */
export const MIGRATIONS: readonly ((db: Database) => void)[] = [m0001.up, m0002.up, m0003.up, m0004.up, m0005.up, m0006.up, m0007.up];

export const SCHEMA_VERSION = MIGRATIONS.length;
