import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { parseDuration, parseRateLimit, type RateLimit } from './duration.js';
import { UsageError } from './errors.js';
import { parseKey, type KeyEnv, type KeyKind } from './key-format.js';
import { CHANNEL_TYPES, KEY_KINDS, PLATFORMS, type ChannelType, type Platform } from './model.js';
import { normaliseScopes, validateScopes } from './scopes.js';
import { MESSAGE_EVENTS, type MessageEvent } from './webhook-events.js';

/**
 * Where an entry is in the file, for the errors found after parsing: `at` its place as written
 * (`keys[3]`: entries left out for their own problems still count), `line` its first line.
 */
interface Located { at: string; line: number }

/**
 * A fixtures file (SPEC §12), YAML or JSON (JSON is read by the same YAML parser, which keeps every
 * value's line): parsed and checked without the keystore. Every problem names the file, the line and
 * the field, and all of them are reported at once (a usage error: exit 2, nothing written).
 */
export interface WorkspaceFixture extends Located { id: string; name: string; platform: Platform }
export interface WabaFixture extends Located { id: string; name: string; workspace: string }
export interface ChannelFixture extends Located { id: string; name: string; workspace: string; type: ChannelType; waba: string | null }
export interface KeyFixture extends Located {
  name: string;
  kind: KeyKind;
  /** The subject of a workspace, channel or WABA key (its id); null for a bearer key. */
  subject: { type: 'workspace' | 'channel' | 'waba'; id: string } | null;
  secret: string | null;
  env: KeyEnv | null;
  /** null: full access. */
  scopes: string[] | null;
  rateLimit: RateLimit | null;
  expiresInSeconds: number | null;
  /** The line of each field given, for errors the plan finds. */
  lines: Record<string, number>;
}
export interface WebhookFixture extends Located { name: string; url: string; workspace: string | null; events: MessageEvent[] }

export interface Fixtures {
  file: string;
  workspaces: WorkspaceFixture[];
  wabas: WabaFixture[];
  channels: ChannelFixture[];
  keys: KeyFixture[];
  webhooks: WebhookFixture[];
  /**
   * What was wrong with the parts left out: the plan adds its own and reports all of them at once
   * (a file that does not parse at all throws at once).
   */
  problems: FixtureProblem[];
}

export interface FixtureProblem {
  line: number;
  /** `keys[1].secret`, or `` for the document itself. */
  field: string;
  message: string;
}

export class FixturesInvalid extends UsageError {
  constructor(readonly file: string, readonly problems: FixtureProblem[]) {
    super(
      problems.map((p) => `${file}:${p.line}: ${p.field ? p.field + ': ' : ''}${p.message}`).join('\n'),
      'fix the file and apply it again (nothing was written); `octo export` prints a valid one',
      'invalid_fixtures',
    );
  }
}

const SECTIONS = ['workspaces', 'wabas', 'channels', 'keys', 'webhooks'] as const;
const FIELDS: Record<(typeof SECTIONS)[number], readonly string[]> = {
  workspaces: ['id', 'name', 'platform'],
  wabas: ['id', 'name', 'workspace'],
  channels: ['id', 'name', 'workspace', 'type', 'waba'],
  keys: ['name', 'kind', 'workspace', 'channel', 'waba', 'secret', 'env', 'scopes', 'rate_limit', 'expires_in'],
  webhooks: ['name', 'url', 'workspace', 'events'],
};
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Reads and checks a fixtures file's text. A document that is not YAML or JSON, or not a mapping,
 * throws FixturesInvalid; other problems are listed in `problems` (planFixtures throws them).
 */
export function parseFixtures(text: string, file: string): Fixtures {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const problems: FixtureProblem[] = [];
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  for (const err of doc.errors) problems.push({ line: err.linePos?.[0].line ?? 1, field: '', message: err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') });
  const fixtures: Fixtures = { file, workspaces: [], wabas: [], channels: [], keys: [], webhooks: [], problems };
  if (problems.length) throw new FixturesInvalid(file, problems);
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return fixtures;
  if (!isMap(root)) throw new FixturesInvalid(file, [{ line: lineOf(root), field: '', message: `the file must be a mapping of ${SECTIONS.join(', ')}` }]);

  for (const pair of root.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const section = SECTIONS.find((s) => s === name);
    if (!section) {
      problems.push({ line: lineOf(pair.key as Node), field: name, message: `unknown section; a fixtures file has ${SECTIONS.join(', ')}` });
      continue;
    }
    const seq = pair.value as Node | null;
    if (seq === null || (isScalar(seq) && seq.value === null)) continue;
    if (!isSeq(seq)) {
      problems.push({ line: lineOf(seq), field: section, message: 'must be a list' });
      continue;
    }
    seq.items.forEach((item, index) => {
      const at = `${section}[${index}]`;
      const node = item as Node;
      if (!isMap(node)) {
        problems.push({ line: lineOf(node), field: at, message: 'must be a mapping, e.g. {id: acme, name: Acme}' });
        return;
      }
      const entry = new Entry(at, lineOf(node), problems);
      for (const field of node.items) {
        const key = isScalar(field.key) ? String(field.key.value) : '';
        const line = lineOf((field.value as Node | null) ?? (field.key as Node));
        if (!FIELDS[section].includes(key)) {
          problems.push({ line: lineOf(field.key as Node), field: `${at}.${key}`, message: `unknown field; ${section} take ${FIELDS[section].join(', ')}` });
          continue;
        }
        entry.values.set(key, { value: (field.value as Node | null)?.toJSON?.() ?? (isScalar(field.value) ? field.value.value : null), line });
      }
      READERS[section](entry, fixtures);
    });
  }
  checkUnique(fixtures, problems);
  return fixtures;
}

/** One mapping of a section, read field by field; each problem is recorded, not thrown. */
class Entry {
  readonly values = new Map<string, { value: unknown; line: number }>();
  constructor(readonly at: string, readonly line: number, private readonly problems: FixtureProblem[]) {}

  lineOf(field: string): number {
    return this.values.get(field)?.line ?? this.line;
  }

  problem(field: string, message: string): void {
    this.problems.push({ line: this.lineOf(field), field: `${this.at}.${field}`, message });
  }

  has(field: string): boolean {
    return this.values.has(field) && this.values.get(field)!.value !== null;
  }

  string(field: string, required: boolean, pattern?: RegExp, what = 'a string'): string | null {
    const v = this.values.get(field)?.value;
    if (v === undefined || v === null) {
      if (required) this.problem(field, 'is required');
      return null;
    }
    const text = typeof v === 'number' ? String(v) : v;
    if (typeof text !== 'string' || text.trim() === '' || (pattern && !pattern.test(text))) {
      this.problem(field, `must be ${what}`);
      return null;
    }
    return text;
  }

  oneOf<T extends string>(field: string, list: readonly T[], required: boolean): T | null {
    const v = this.string(field, required);
    if (v === null) return null;
    if (!list.includes(v as T)) {
      this.problem(field, `must be one of ${list.join(', ')}`);
      return null;
    }
    return v as T;
  }

  list(field: string): string[] | null {
    const v = this.values.get(field)?.value;
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
      this.problem(field, 'must be a list of strings');
      return null;
    }
    return v as string[];
  }

  /** Runs a core parser that throws a UsageError, recording its message against the field. */
  parsed<T>(field: string, parse: (text: string) => T): T | null {
    const text = this.string(field, false);
    if (text === null) return null;
    try {
      return parse(text);
    } catch (err) {
      this.problem(field, err instanceof Error ? err.message : String(err));
      return null;
    }
  }
}

const ID_WHAT = 'an id of 1 to 64 letters, digits, "_", "." or "-"';

const READERS: Record<(typeof SECTIONS)[number], (e: Entry, f: Fixtures) => void> = {
  workspaces: (e, f) => {
    const id = e.string('id', true, ID, ID_WHAT);
    const name = e.string('name', true);
    const platform = e.oneOf('platform', PLATFORMS, true);
    if (id && name && platform) f.workspaces.push({ id, name, platform, at: e.at, line: e.line });
  },
  wabas: (e, f) => {
    const id = e.string('id', true, ID, ID_WHAT);
    const name = e.string('name', true);
    const workspace = e.string('workspace', true);
    if (id && name && workspace) f.wabas.push({ id, name, workspace, at: e.at, line: e.line });
  },
  channels: (e, f) => {
    const id = e.string('id', true, ID, ID_WHAT);
    const name = e.string('name', true);
    const workspace = e.string('workspace', true);
    const type = e.oneOf('type', CHANNEL_TYPES, true);
    const waba = e.string('waba', type === 'whatsapp');
    if (type && type !== 'whatsapp' && waba) e.problem('waba', 'only a whatsapp channel has a WABA');
    if (id && name && workspace && type) f.channels.push({ id, name, workspace, type, waba: type === 'whatsapp' ? waba : null, at: e.at, line: e.line });
  },
  keys: (e, f) => readKey(e, f),
  webhooks: (e, f) => {
    const name = e.string('name', true);
    const url = e.string('url', true, /^https?:\/\/\S+$/, 'an http:// or https:// URL');
    const workspace = e.string('workspace', false);
    const listed = e.list('events');
    const unknown = listed?.find((ev) => !(MESSAGE_EVENTS as readonly string[]).includes(ev));
    if (unknown) e.problem('events', `unknown event "${unknown}"; events are ${MESSAGE_EVENTS.join(', ')}`);
    const events = listed ? MESSAGE_EVENTS.filter((ev) => listed.includes(ev)) : [...MESSAGE_EVENTS];
    if (listed && listed.length === 0) e.problem('events', 'must name at least one event (leave it out for all of them)');
    if (name && url && !unknown) f.webhooks.push({ name, url, workspace, events, at: e.at, line: e.line });
  },
};

const SUBJECT_FIELD = { workspace: 'workspace', channel: 'channel', waba: 'waba' } as const;

function readKey(e: Entry, f: Fixtures): void {
  const before = problemsCount(e);
  const name = e.string('name', true);
  const kind = e.oneOf('kind', KEY_KINDS, true);
  if (!kind) return;
  const lines = Object.fromEntries([...e.values].map(([k, v]) => [k, v.line]));
  let subject: KeyFixture['subject'] = null;
  for (const field of ['workspace', 'channel', 'waba'] as const) {
    if (!e.has(field)) continue;
    if (kind === 'bearer' || SUBJECT_FIELD[kind] !== field) e.problem(field, `a ${kind} key takes ${kind === 'bearer' ? 'no subject' : SUBJECT_FIELD[kind]}`);
  }
  if (kind !== 'bearer') {
    const id = e.string(SUBJECT_FIELD[kind], true);
    if (id) subject = { type: kind, id };
    for (const field of ['env', 'scopes', 'expires_in'] as const) if (e.has(field)) e.problem(field, `only a bearer key takes ${field}`);
  }
  const env = kind === 'bearer' ? (e.oneOf('env', ['live', 'test'] as const, false) ?? 'live') : null;
  let scopes: string[] | null = null;
  const listed = kind === 'bearer' ? e.list('scopes') : null;
  if (listed) {
    try {
      scopes = normaliseScopes(validateScopes(listed));
    } catch (err) {
      e.problem('scopes', (err as Error).message);
    }
  }
  const rateLimit = e.parsed('rate_limit', parseRateLimit);
  const expiresInSeconds = kind === 'bearer' ? e.parsed('expires_in', (t) => parseDuration(t, 'expires_in')) : null;
  const secret = e.string('secret', false);
  if (secret !== null) {
    const parsed = parseKey(secret);
    if (!parsed.ok) e.problem('secret', parsed.problem === 'checksum' ? 'not a well-formed key: its checksum does not match (a typo?)' : 'not a well-formed octo key');
    else if (parsed.info.kind !== kind || (kind === 'bearer' && parsed.info.env !== env)) {
      e.problem('secret', `a ${kind}${kind === 'bearer' ? ` ${env}` : ''} key's secret starts with ${expectedPrefix(kind, env)}, not ${parsed.info.prefix}`);
    }
  }
  if (name && problemsCount(e) === before) {
    f.keys.push({ name, kind, subject, secret, env, scopes, rateLimit, expiresInSeconds, at: e.at, line: e.line, lines });
  }
}

function expectedPrefix(kind: KeyKind, env: KeyEnv | null): string {
  return { workspace: 'octo_ws_', channel: 'octo_ch_', waba: 'octo_wa_', bearer: env === 'test' ? 'oct_test_' : 'oct_live_' }[kind];
}

function problemsCount(e: Entry): number {
  return (e as unknown as { problems: FixtureProblem[] }).problems.length;
}

/** Ids unique per type, key names and secrets unique in the file, references to what the file or keystore holds (checked by the plan). */
function checkUnique(f: Fixtures, problems: FixtureProblem[]): void {
  const once = <T extends Located>(items: T[], key: (t: T) => string | null, field: string, what: string) => {
    const seen = new Map<string, number>();
    items.forEach((item) => {
      const k = key(item);
      if (k === null) return;
      const first = seen.get(k);
      if (first !== undefined) problems.push({ line: item.line, field: `${item.at}.${field}`, message: `${what} "${field === 'secret' ? 'oct…' : k}" is given twice (first at line ${first})` });
      else seen.set(k, item.line);
    });
  };
  once(f.workspaces, (w) => w.id, 'id', 'the id');
  once(f.wabas, (w) => w.id, 'id', 'the id');
  once(f.channels, (c) => c.id, 'id', 'the id');
  once(f.keys, (k) => k.name, 'name', 'the key name');
  once(f.keys, (k) => k.secret, 'secret', 'the secret');
  once(f.webhooks, (w) => w.name, 'name', 'the webhook name');
}
