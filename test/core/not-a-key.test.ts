import { describe, expect, it } from 'vitest';
import { generateKey } from '../../src/core/key-format.js';
import { explainNotAKey } from '../../src/core/not-a-key.js';

/** What `keys verify` says it was given instead of a key: one row per kind of mistake. */
const live = generateKey('oct_live_');
const ws = generateKey('octo_ws_');
const typo = live.slice(0, -1) + (live.endsWith('a') ? 'b' : 'a');

describe('explainNotAKey', () => {
  it.each([
    ['a whole Bearer value', `Bearer ${live}`, 'This is a whole Authorization header value ("Bearer …"), not a key', 'paste only the key that follows "Bearer "'],
    ['bearer in lower case', `bearer ${live}`, 'Authorization header value', 'follows "Bearer "'],
    ['a Bearer value holding no key', 'Bearer abc', 'Authorization header value', 'paste only the key itself; octo keys start with'],
    ['a whole header line', `X-Octopods-Auth: ${ws}`, 'This is a whole header line ("X-Octopods-Auth: …"), not a key', 'follows the colon'],
    ['an Authorization line', `Authorization: Bearer ${live}`, 'whole header line ("Authorization: …")', 'follows "Bearer "'],
    ['quotes around', `"${live}"`, 'The key is wrapped in quotes', 'without the quotes'],
    ['a GitHub token', `ghp_${'a'.repeat(36)}`, 'This looks like a GitHub token, not an octo key', '`octo keys list`'],
    ['a fine-grained GitHub token', `github_pat_${'a'.repeat(40)}`, 'a GitHub token', 'oct_live_'],
    ['a Slack token', 'xoxb-123-456-abc', 'a Slack token', 'octo_ws_'],
    ['a Stripe key', `sk_live_${'a'.repeat(24)}`, 'a Stripe key', 'octo keys list'],
    ['an AWS key id', 'AKIAIOSFODNN7EXAMPLE', 'an AWS access key id', 'octo keys list'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'a JSON Web Token', 'octo keys list'],
    ['random text', 'hello world', 'This is not an octo key: it has none of the octo prefixes', 'octo keys start with'],
    ['a cut-short key', live.slice(0, 30), 'The oct_live_… key is cut short: 21 characters follow the prefix, where a key has 38', 'shown once'],
    ['a key with more after it', `${ws}x`, 'The octo_ws_… key is longer than a key: 39 characters', '`octo keys copy KEY_ID --print`'],
    ['a key with a space inside', `${live.slice(0, 20)} ${live.slice(20)}`, 'holds characters a key never has', 'copy it again'],
    ['a typo', typo, 'The oct_live_… key\'s checksum does not match: it was mistyped or changed', 'copy it again'],
    ['a broken webhook secret', 'octo_wh_abc', 'The octo_wh_… key is cut short', '`octo webhooks verify`'],
  ])('%s', (_name, text, message, hint) => {
    const said = explainNotAKey(text);
    expect(said.message).toContain(message);
    expect(said.hint).toContain(hint);
    // Nothing pasted is echoed back: it may hold a real secret.
    if (text.length > 12) expect(said.message + said.hint).not.toContain(text.slice(-12));
  });
});
