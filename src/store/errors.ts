import { NotFoundError, OctoError } from '../core/errors.js';
import type { SubjectType } from '../core/model.js';

/*
 * The errors a keystore raises, whatever its backend: app/ reads these, never a driver's codes.
 * Only the backend's own module (store/sqlite/errors.ts) turns driver errors into them.
 */

/** Each rule the keystore itself enforces by uniqueness, under any number of concurrent writers. */
export type UniqueRule =
  /** At most one active key per workspace, channel or WABA. */
  | 'one_active_key'
  /** A subject's id, or its name, is taken within its type. */
  | 'subject_id'
  | 'subject_name'
  | 'key_id'
  | 'key_hash'
  | 'webhook_id'
  /** Two secrets of one endpoint with the same generation (two rotations racing). */
  | 'webhook_secret_generation'
  | 'delivery_id'
  | 'meta_key'
  /** A constraint added without a name here: a bug to fix in the backend's table of rules. */
  | 'unknown';

/**
 * A write refused because it would break a uniqueness rule; the transaction it ran in is rolled
 * back. Not an OctoError: app/ turns the rules it expects into a user-facing error (a conflict with
 * the hint that fits), and one that reaches the user unexplained is a bug.
 */
export class UniqueViolation extends Error {
  constructor(
    readonly rule: UniqueRule,
    /** The subject type, for `one_active_key`, `subject_id` and `subject_name`. */
    readonly subjectType: SubjectType | null = null,
    /** The backend's own name of the constraint (columns or index), for --debug and bug reports. */
    readonly constraint = '',
  ) {
    super(`unique rule broken: ${rule}${subjectType ? ` (${subjectType})` : ''}${constraint ? ` [${constraint}]` : ''}`);
    this.name = 'UniqueViolation';
  }
}

/**
 * An insert refused by the keystore because the workspace, WABA or channel it would hang under was
 * removed (a tombstone) after the caller resolved it: another process removed it meanwhile. Nothing
 * of the transaction is written. A not_found for the user, like a reference to a removed subject.
 */
export class ParentRemoved extends NotFoundError {
  constructor(
    /** The keystore's own words for what was refused, e.g. "the subject of this key was removed". */
    readonly detail: string,
  ) {
    super(`${detail} meanwhile (by another octo command); nothing was changed`, 'see what there is with `octo workspaces list`, `octo wabas list` or `octo channels list`');
    this.name = 'ParentRemoved';
  }
}

export type UnavailableReason = 'busy' | 'io' | 'full' | 'unreachable' | 'timeout';

/**
 * The keystore cannot serve the request now: another writer held it past the busy timeout, the
 * disk failed or is full (and, for a server backend, the server cannot be reached). Nothing was
 * written. An OctoError: it is the user's to act on, with the code SPEC §11 gives it.
 */
export class KeystoreUnavailable extends OctoError {
  /** `hint` replaces the reason's own where the backend knows better (a refused password, a missing database). */
  constructor(readonly reason: UnavailableReason, location: string, detail = '', hint?: string) {
    super('keystore_unavailable', UNAVAILABLE[reason].message(location, detail), { hint: hint ?? UNAVAILABLE[reason].hint });
    this.name = 'KeystoreUnavailable';
  }
}

const UNAVAILABLE: Record<UnavailableReason, { message: (at: string, detail: string) => string; hint: string }> = {
  busy: {
    message: (at) => `the keystore ${at} stayed locked by another writer past the busy timeout; nothing was changed`,
    hint: 'run the command again once the other octo command writing to it has finished',
  },
  io: {
    message: (at, detail) => `cannot read or write the keystore ${at}${detail ? `: ${detail}` : ''}; nothing was changed`,
    hint: 'check the disk and the permissions of the keystore file and its folder, then run the command again',
  },
  full: {
    message: (at) => `the disk holding the keystore ${at} is full; nothing was changed`,
    hint: 'free some space on that disk, then run the command again',
  },
  // A keystore server (PostgreSQL): `detail` names the host and port and what went wrong.
  unreachable: {
    message: (at, detail) => `cannot reach the keystore ${at}${detail ? `: ${detail}` : ''}; nothing was changed`,
    hint: 'check that the database server runs and accepts connections from this machine, and the URL given by --db or OCTO_DB',
  },
  timeout: {
    message: (at, detail) => `the keystore ${at} did not answer in time${detail ? ` (${detail})` : ''}; nothing was changed`,
    hint: 'run the command again; if it keeps happening, check the load of the database server',
  },
};

/** A file or database that is not an octo keystore (another program's database, text, a folder). */
export class NotAKeystore extends OctoError {
  constructor(message: string, hint: string) {
    super('keystore_invalid', message, { hint });
    this.name = 'NotAKeystore';
  }
}
