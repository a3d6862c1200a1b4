import { createRequire } from 'node:module';

/**
 * node:crypto, loaded on first use. Loading it costs about 3 ms, which `octo keys verify` (whose
 * start-up SPEC §10 measures) never needs: it hashes with core/sha256.ts and seals nothing.
 */
let loaded: typeof import('node:crypto') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
  loaded ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return loaded;
}
