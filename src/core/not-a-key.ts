import { CHECKSUM_LENGTH, PREFIXES, RANDOM_LENGTH, parseKey } from './key-format.js';

/**
 * What `keys verify` was given instead of a key, in words: the reason stays `malformed_key` (SPEC
 * §6's closed vocabulary), but "malformed" alone does not tell someone who pasted a whole header,
 * or another service's token, what to paste instead. Pure, and asked only by dry runs, never on
 * the verifier's request path.
 */
export interface NotAKey {
  message: string;
  hint: string;
}

const OCTO_PREFIXES = 'octo_ws_, octo_ch_ or octo_wa_ (X-Octopods-Auth) or oct_live_, oct_test_ (Bearer)';
const FIND_YOURS = `octo keys start with ${OCTO_PREFIXES}: \`octo keys list\` shows yours`;
const BODY_LENGTH = RANDOM_LENGTH + CHECKSUM_LENGTH;

/** Other services' tokens people paste by mistake, by their documented prefixes. */
const FOREIGN: readonly [RegExp, string][] = [
  [/^(?:gh[pousr]_|github_pat_)/, 'a GitHub token'],
  [/^glpat-/, 'a GitLab token'],
  [/^xox[abpors]-/, 'a Slack token'],
  [/^[spr]k_(?:live|test)_/, 'a Stripe key'],
  [/^(?:AKIA|ASIA)[0-9A-Z]{16}$/, 'an AWS access key id'],
  [/^sk-/, 'an OpenAI-style API key'],
  [/^eyJ[\w-]*\.[\w-]*\./, 'a JSON Web Token'],
];

export function explainNotAKey(text: string): NotAKey {
  const header = /^(?:(x-octopods-auth|authorization)\s*:\s*)?(bearer\s+)?(.*)$/is.exec(text)!;
  const [, name, bearer, rest] = header as unknown as [string, string | undefined, string | undefined, string];
  if (name || bearer) {
    const pasted = name ? `a whole header line ("${name}: …")` : 'a whole Authorization header value ("Bearer …")';
    return {
      message: `This is ${pasted}, not a key`,
      hint: parseKey(rest.trim()).ok
        ? `paste only the key that follows ${bearer ? '"Bearer "' : 'the colon'}: octo sends it in the right header itself`
        : `paste only the key itself; ${FIND_YOURS}`,
    };
  }
  if (/^(['"`]).+\1$/s.test(text)) return { message: 'The key is wrapped in quotes', hint: 'paste it without the quotes' };
  const foreign = FOREIGN.find(([pattern]) => pattern.test(text));
  if (foreign) return { message: `This looks like ${foreign[1]}, not an octo key`, hint: FIND_YOURS };
  const prefix = PREFIXES.find((p) => text.startsWith(p.prefix));
  if (!prefix) return { message: 'This is not an octo key: it has none of the octo prefixes', hint: FIND_YOURS };
  const body = text.slice(prefix.prefix.length);
  const copyAgain = {
    bearer: 'copy it again from where it was saved (a bearer key is shown once; `octo keys rotate KEY_ID` issues a new one)',
    octopods: 'copy it again with `octo keys copy KEY_ID --print`',
    webhook: 'a webhook signing secret is no API key in any case: check signatures with `octo webhooks verify`',
  }[prefix.family];
  if (/[^0-9A-Za-z]/.test(body)) {
    return { message: `The ${prefix.prefix}… key holds characters a key never has (spaces, quotes, punctuation)`, hint: copyAgain };
  }
  if (body.length !== BODY_LENGTH) {
    const what = body.length < BODY_LENGTH ? 'cut short' : 'longer than a key';
    return { message: `The ${prefix.prefix}… key is ${what}: ${body.length} characters follow the prefix, where a key has ${BODY_LENGTH}`, hint: copyAgain };
  }
  return { message: `The ${prefix.prefix}… key's checksum does not match: it was mistyped or changed`, hint: copyAgain };
}
