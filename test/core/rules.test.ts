import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseRateLimit } from '../../src/core/duration.js';
import { keyLabel } from '../../src/core/model.js';
import { ALL_SCOPES, grants, nearestScope, normaliseScopes, scopeForMethod, validateScopes } from '../../src/core/scopes.js';

describe('durations', () => {
  it.each([
    ['1s', 1], ['90m', 5400], ['24h', 86_400], ['90d', 7_776_000], ['2w', 1_209_600],
  ])('%s is %d seconds', (text, seconds) => expect(parseDuration(text, '--x')).toBe(seconds));
  it.each(['0', '0d', '-1d', '90x', '1.5h', '1 d', 'd', '', '01d'])('refuses %j as a usage error', (text) => {
    expect(() => parseDuration(text, '--x')).toThrow(expect.objectContaining({ exitCode: 2, code: 'invalid_duration' }));
  });
  it('parses rate limits', () => expect(parseRateLimit('100/1m')).toEqual({ limit: 100, window_s: 60 }));
  it.each(['100', '/1m', '0/1m', '10/0m', 'x/1m', '10/1x'])('refuses the rate limit %j', (text) => {
    expect(() => parseRateLimit(text)).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
  it('formats back', () => expect([86_400, 90, 3600 * 36].map(formatDuration)).toEqual(['1d', '90s', '36h']));
});

describe('scopes', () => {
  it('has the union of the seeds, with handoff-analytics read only', () => {
    expect(ALL_SCOPES).toContain('posts:write');
    expect(ALL_SCOPES).toContain('handoff-analytics:read');
    expect(ALL_SCOPES).not.toContain('handoff-analytics:write');
    expect(ALL_SCOPES).toContain('agent-loops:write');
    expect(ALL_SCOPES).toContain('admin');
    expect(ALL_SCOPES).toHaveLength(4 * 2 + 23 * 2 - 1 + 5 * 2 + 1);
  });
  it.each([
    ['posts:reed', 'posts:read'],
    ['post:write', 'posts:write'],
    ['handoff-analytics:write', 'handoff-analytics:read'],
    ['contact:read', 'contacts:read'],
  ])('suggests %s → %s', (bad, near) => expect(nearestScope(bad)).toBe(near));
  it('refuses a scope outside the catalog, naming the nearest', () => {
    expect(() => validateScopes(['posts:reed'])).toThrow(/did you mean "posts:read"/);
  });
  it('accepts comma-separated and repeated scopes, deduplicated', () => {
    expect(validateScopes(['posts:read,posts:write', 'posts:read'])).toEqual(['posts:read', 'posts:write']);
  });
  it.each([
    [[], null], [['admin'], null], [['posts:read', 'admin'], null], [['b:read', 'a:read'], ['a:read', 'b:read']],
  ])('normalises %j to %j (null = full access)', (input, out) => expect(normaliseScopes(input)).toEqual(out));
  it.each([
    ['GET', 'posts:read'], ['HEAD', 'posts:read'], ['POST', 'posts:write'], ['PUT', 'posts:write'],
    ['PATCH', 'posts:write'], ['DELETE', 'posts:write'],
  ])('%s needs %s', (method, scope) => expect(scopeForMethod('posts', method)).toBe(scope));
  it.each([
    [null, 'posts:write', true], [['posts:read'], 'posts:write', false], [['posts:read'], 'posts:read', true],
  ])('scopes %j grant %s: %s', (scopes, required, ok) => expect(grants(scopes, required)).toBe(ok));
});

describe('key model', () => {
  it.each([
    ['workspace', null, 'Workspace API Key'], ['waba', null, 'WhatsApp Business API Key'], ['bearer', null, 'API Key'],
    ['channel', 'sms', 'Twilio API Key'], ['channel', 'viber', 'VBM API Key'], ['channel', 'telegram', 'Telegram API Key'],
  ] as const)('labels %s/%s as %s', (kind, type, label) => expect(keyLabel(kind, type)).toBe(label));
});
