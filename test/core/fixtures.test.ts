import { describe, expect, it } from 'vitest';
import { planFixtures, planSummary, type KeystoreState } from '../../src/core/fixture-plan.js';
import { FixturesInvalid, parseFixtures } from '../../src/core/fixtures.js';
import { generateKey } from '../../src/core/key-format.js';
import type { KeyRecord } from '../../src/core/model.js';

/** The fixtures file and the plan, pure: no keystore, a state given as values. */
const EMPTY: KeystoreState = {
  workspaces: [], wabas: [], channels: [], keysNamed: () => [], activeKeyFor: () => undefined,
  keyWithSecret: () => undefined, secretMatches: () => false, webhooks: [],
};

const problems = (text: string, state: KeystoreState | null = null): string[] => {
  try {
    planFixtures(parseFixtures(text, 'f.yaml'), state ?? EMPTY);
  } catch (err) {
    if (err instanceof FixturesInvalid) return err.message.split('\n');
    throw err;
  }
  return [];
};

const WS = 'workspaces:\n  - {id: acme, name: Acme, platform: intercom}\n';
const CH_SECRET = generateKey('octo_ch_');

describe('parseFixtures: every problem names file:line and the field', () => {
  it.each([
    ['an unknown section', 'workspace:\n  - {id: a}\n', 'f.yaml:1: workspace: unknown section'],
    ['an unknown field', `${WS}channels:\n  - {id: c, name: C, workspace: acme, type: sms, colour: red}\n`, 'f.yaml:4: channels[0].colour: unknown field'],
    ['a wrong type', 'workspaces:\n  - {id: acme, name: [x], platform: intercom}\n', 'f.yaml:2: workspaces[0].name: must be a string'],
    ['an unknown platform', 'workspaces:\n  - {id: acme, name: Acme, platform: slack}\n', 'f.yaml:2: workspaces[0].platform: must be one of intercom, hubspot'],
    ['a missing field', 'workspaces:\n  - {id: acme, platform: intercom}\n', 'f.yaml:2: workspaces[0].name: is required'],
    ['a bad checksum', `${WS}keys:\n  - name: k\n    kind: channel\n    channel: c\n    secret: ${CH_SECRET.slice(0, -1)}${CH_SECRET.endsWith('A') ? 'B' : 'A'}\n`, 'f.yaml:7: keys[0].secret: not a well-formed key: its checksum does not match'],
    ['a secret of another kind', `keys:\n  - {name: k, kind: bearer, env: test, secret: ${CH_SECRET}}\n`, "f.yaml:2: keys[0].secret: a bearer test key's secret starts with oct_test_"],
    ['an unknown scope', 'keys:\n  - {name: k, kind: bearer, scopes: [post:read]}\n', 'f.yaml:2: keys[0].scopes: unknown scope "post:read"'],
    ['a bad rate limit', 'keys:\n  - {name: k, kind: bearer, rate_limit: fast}\n', 'f.yaml:2: keys[0].rate_limit: invalid rate limit'],
    ['a field of another kind', 'keys:\n  - {name: k, kind: workspace, workspace: acme, scopes: [posts:read]}\n', 'f.yaml:2: keys[0].scopes: only a bearer key takes scopes'],
    ['a duplicate key name', 'keys:\n  - {name: k, kind: bearer}\n  - {name: k, kind: bearer}\n', 'f.yaml:3: keys[1].name: the key name "k" is given twice (first at line 2)'],
    ['a duplicate secret', `${WS}keys:\n  - {name: a, kind: channel, channel: c, secret: ${CH_SECRET}}\n  - {name: b, kind: channel, channel: d, secret: ${CH_SECRET}}\n`, 'f.yaml:5: keys[1].secret: the secret "oct…" is given twice (first at line 4)'],
    ['a duplicate YAML key', 'workspaces: []\nworkspaces: []\n', 'f.yaml:1: Map keys must be unique'],
    ['JSON, with its lines', '{\n  "workspaces": [\n    {"id": "acme", "name": 1, "platform": "nope"}\n  ]\n}\n', 'f.yaml:3: workspaces[0].platform: must be one of intercom, hubspot'],
  ])('%s', (_what, text, expected) => {
    const found = problems(text);
    expect(found.some((line) => line.startsWith(expected)), found.join('\n')).toBe(true);
    expect(found.join('\n')).not.toContain(CH_SECRET);
  });

  it('an entry left out for its own problem still counts: the later ones keep their place in the field', () => {
    const text = `${WS}channels:\n  - {id: c1, workspace: acme, type: sms}\n  - {id: c2, name: C2, workspace: nope, type: sms}\n`
      + 'keys:\n  - {name: bad, kind: bearer, scopes: [nope:nope]}\n  - {name: k2, kind: channel, channel: c9}\n  - {name: k2, kind: bearer}\n';
    expect(problems(text)).toEqual([
      'f.yaml:4: channels[0].name: is required',
      'f.yaml:5: channels[1].workspace: no workspace "nope" in the file or the keystore',
      'f.yaml:7: keys[0].scopes: unknown scope "nope:nope"; did you mean "org:read"?',
      'f.yaml:8: keys[1].channel: no channel "c9" in the file or the keystore',
      'f.yaml:9: keys[2].name: the key name "k2" is given twice (first at line 8)',
    ]);
  });

  it('an empty file is no fixtures; a well-formed one is read whole', () => {
    expect(parseFixtures('', 'f.yaml').keys).toEqual([]);
    const f = parseFixtures(`${WS}keys:\n  - {name: ci, kind: bearer, env: test, scopes: [posts:read], rate_limit: 100/1m, expires_in: 90d}\n`, 'f.yaml');
    expect(f.keys[0]).toMatchObject({ name: 'ci', kind: 'bearer', env: 'test', scopes: ['posts:read'], rateLimit: { limit: 100, window_s: 60 }, expiresInSeconds: 90 * 86400, secret: null, line: 4 });
  });
});

describe('planFixtures', () => {
  const file = `${WS}channels:\n  - {id: sms1, name: Line, workspace: acme, type: sms}\nkeys:\n  - {name: ci, kind: bearer, scopes: [posts:read]}\n  - {name: line, kind: channel, channel: sms1}\n`;

  it('creates everything in an empty keystore, in dependency order', () => {
    const plan = planFixtures(parseFixtures(file, 'f.yaml'), EMPTY);
    expect(plan.items.map((i) => `${i.action} ${i.type} ${i.name}`)).toEqual(['create workspace acme', 'create channel sms1', 'create key ci', 'create key line']);
  });

  it('leaves what is already there unchanged, and updates a name or scopes', () => {
    const key = (over: Partial<KeyRecord>): KeyRecord => ({
      id: 'key_1', kind: 'bearer', name: 'ci', env: 'live', subject: null, workspaceId: null, channelType: null, scopes: ['posts:read'],
      state: 'active', masked: '', createdAt: 0, expiresAt: null, revokedAt: null, revokedReason: null, graceUntil: null, lastUsedAt: null,
      replacedBy: null, replaces: null, rateLimit: null, ...over,
    });
    const lineKey = key({ id: 'key_2', kind: 'channel', name: 'line', env: null, scopes: null, subject: { type: 'channel', id: 'sms1', name: 'Line' } });
    const state: KeystoreState = {
      ...EMPTY,
      workspaces: [{ id: 'acme', name: 'Old name', platform: 'intercom', createdAt: 0 }],
      channels: [{ id: 'sms1', name: 'Line', workspaceId: 'acme', type: 'sms', wabaId: null, createdAt: 0 }],
      keysNamed: (name) => (name === 'ci' ? [key({ scopes: ['posts:read', 'posts:write'] })] : name === 'line' ? [lineKey] : []),
      activeKeyFor: (_t, id) => (id === 'sms1' ? lineKey : undefined),
    };
    const summary = planSummary(planFixtures(parseFixtures(file, 'f.yaml'), state).items);
    expect(summary).toEqual({
      created: [],
      updated: [{ type: 'workspace', name: 'acme', changes: ['name'] }, { type: 'key', name: 'ci', changes: ['scopes'] }],
      unchanged: [{ type: 'channel', name: 'sms1' }, { type: 'key', name: 'line' }],
    });
  });

  it.each([
    ['a reference to nothing', 'keys:\n  - {name: k, kind: channel, channel: nope}\n', EMPTY, 'f.yaml:2: keys[0].channel: no channel "nope" in the file or the keystore'],
    ['a WABA of another workspace', `${WS}wabas:\n  - {id: w, name: W, workspace: acme}\nchannels:\n  - {id: wa, name: WA, workspace: other, type: whatsapp, waba: w}\n`, EMPTY, 'f.yaml:6: channels[0].workspace: no workspace "other"'],
    ['a secret the keystore holds', `${WS}channels:\n  - {id: c, name: C, workspace: acme, type: sms}\nkeys:\n  - {name: k, kind: channel, channel: c, secret: ${CH_SECRET}}\n`, { ...EMPTY, keyWithSecret: () => 'key_x' }, 'f.yaml:6: keys[0].secret: the keystore already holds this secret, as key_x'],
    ['a subject with a key already', `${WS}keys:\n  - {name: k, kind: workspace, workspace: acme}\n`, { ...EMPTY, activeKeyFor: () => ({ id: 'key_old', name: null } as KeyRecord) }, 'f.yaml:4: keys[0].name: the workspace "acme" already has an active key (key_old)'],
  ])('refuses %s', (_what, text, state, expected) => {
    const found = problems(text, state);
    expect(found.some((line) => line.startsWith(expected)), found.join('\n')).toBe(true);
  });
});
