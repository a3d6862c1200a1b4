import { CHANNEL_TYPES, KEY_KINDS, KEY_SORTS, KEY_STATUSES, PLATFORMS } from '../core/model.js';
import { FAIL_REASONS } from '../core/outcomes.js';
import { ALL_SCOPES } from '../core/scopes.js';
import { EVENT_TYPES, MESSAGE_EVENTS } from '../core/webhook-events.js';
import { WEBHOOK_SCHEMES } from '../core/webhook-model.js';
import type { DynamicSource, ValueSource } from '../ui/command-spec.js';
import { FORMATS } from '../ui/formats.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const NONE: ValueSource = { kind: 'none' };
const FILE: ValueSource = { kind: 'file' };
const words = (list: readonly string[], opts: { list?: boolean } = {}): ValueSource => ({ kind: 'words', words: list, ...opts });
const keystore = (source: DynamicSource): ValueSource => ({ kind: 'keystore', source });

/**
 * What the value of each option completes to, by `--long` or, where one name means different
 * things, by `command path|--long`. The value sets are core's own lists. An option missing here
 * completes nothing; test/e2e/completion.test.ts checks that every option of the tree is listed, so a
 * new option is a decision, not an omission. Free text is listed as NONE: a key itself (a secret)
 * is never offered.
 */
const OPTION_VALUES: Readonly<Record<string, ValueSource>> = {
  '--db': FILE,
  '--kind': words(KEY_KINDS),
  '--status': words(KEY_STATUSES),
  '--type': words(CHANNEL_TYPES),
  '--platform': words(PLATFORMS),
  '--scope': words(ALL_SCOPES, { list: true }),
  '--add': words(ALL_SCOPES),
  '--remove': words(ALL_SCOPES),
  '--workspace': keystore('workspaces'),
  '--waba': keystore('wabas'),
  '--channel': keystore('channels'),
  '--key': keystore('keys'),
  '--events': words(MESSAGE_EVENTS, { list: true }),
  '--event': words(EVENT_TYPES),
  '--body': FILE,
  '--format': words(FORMATS),
  // `-created` (newest first) is the same word set with a dash: offered plain, as most people sort.
  '--sort': words(KEY_SORTS),
  '--scheme': words(WEBHOOK_SCHEMES),
  '--dotenv': FILE,
  '--env-var': NONE,
  'webhooks verify|--endpoint': keystore('webhooks'),
  'keys verify|--endpoint': NONE,
  '--id': NONE,
  '--name': NONE,
  '--reason': NONE,
  '--expires-in': NONE,
  '--rate-limit': NONE,
  '--grace': NONE,
  '--since': NONE,
  '--max-age': NONE,
  '--expiring-within': NONE,
  '--unused-for': NONE,
  '--timeout': NONE,
  '--server': NONE,
  '--signature': NONE,
  '--timestamp': NONE,
  '--tolerance': NONE,
  '--limit': NONE,
  '--host': NONE,
  '--port': NONE,
  '--webhook-retries': NONE,
  '--to': NONE,
  '--body-contains': NONE,
  // `requests list --status 4xx`: an HTTP status, not a key's.
  'requests list|--status': words(['2xx', '4xx', '5xx', '401', '403', '429']),
  'requests tail|--status': words(['2xx', '4xx', '5xx', '401', '403', '429']),
  'requests list|--reason': words(FAIL_REASONS),
  'requests tail|--reason': words(FAIL_REASONS),
  '--outbox-size': NONE,
  '--journal-size': NONE,
  '--ui': NONE,
  // A secret: nothing is ever offered for it.
  '--admin-token': NONE,
  '--fixtures': FILE,
  '--hash': NONE,
};

/** The same for arguments, by name or `command path|name`. */
const ARG_VALUES: Readonly<Record<string, ValueSource>> = {
  'key-id': keystore('keys'),
  'keys create|kind': words(KEY_KINDS),
  'webhooks remove|id': keystore('webhooks'),
  'webhooks secret|id': keystore('webhooks'),
  'webhooks rotate-secret|id': keystore('webhooks'),
  'webhooks test|id': keystore('webhooks'),
  'webhooks deliveries|id': keystore('webhooks'),
  'completion|shell': words(SHELLS),
  'workspaces rename|id': keystore('workspaces'),
  'workspaces remove|id': keystore('workspaces'),
  'wabas rename|id': keystore('wabas'),
  'wabas remove|id': keystore('wabas'),
  'channels rename|id': keystore('channels'),
  'channels remove|id': keystore('channels'),
  'new-name': NONE,
  file: FILE,
  paths: FILE,
  // `keys verify [key]` takes the key itself: nothing from the keystore is offered for it.
  'keys verify|key': NONE,
  'keys import|key': NONE,
  name: NONE,
  url: NONE,
  // `help [command...]`: the shells complete command names there themselves.
  command: NONE,
};

export function lookupOptionValues(path: string, flag: string): ValueSource | undefined {
  return OPTION_VALUES[`${path}|${flag}`] ?? OPTION_VALUES[flag];
}

export function lookupArgValues(path: string, name: string): ValueSource | undefined {
  return ARG_VALUES[`${path}|${name}`] ?? ARG_VALUES[name];
}

export const optionValues = (path: string, flag: string): ValueSource => lookupOptionValues(path, flag) ?? NONE;
export const argValues = (path: string, name: string): ValueSource => lookupArgValues(path, name) ?? NONE;
