import { nodeCrypto } from './lazy-crypto.js';
import { OctoError } from './errors.js';

/**
 * AES-256-GCM for the secrets that must be viewable again (workspace, channel and WABA keys,
 * webhook signing secrets). Layout: version(1) | iv(12) | tag(16) | ciphertext. The row id is the
 * additional authenticated data, so a ciphertext copied onto another row does not decrypt.
 */
const VERSION = 1;

export function seal(masterKey: Buffer, plaintext: string, rowId: string): Buffer {
  const iv = nodeCrypto().randomBytes(12);
  const cipher = nodeCrypto().createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(Buffer.from(rowId, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

export function open(masterKey: Buffer, sealed: Buffer, rowId: string): string {
  try {
    if (sealed[0] !== VERSION) throw new Error('unknown version');
    const decipher = nodeCrypto().createDecipheriv('aes-256-gcm', masterKey, sealed.subarray(1, 13));
    decipher.setAAD(Buffer.from(rowId, 'utf8'));
    decipher.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
  } catch {
    throw wrongMasterKey();
  }
}

/** A fingerprint of the master key, stored in the keystore so a wrong one is caught before use. */
export function masterKeyFingerprint(masterKey: Buffer): string {
  return nodeCrypto().createHmac('sha256', masterKey).update('octo master key check v1').digest('hex').slice(0, 16);
}

export function wrongMasterKey(): OctoError {
  return new OctoError('master_key_mismatch', 'the master key does not open this keystore\'s secrets', {
    hint: 'set OCTO_MASTER_KEY (or ~/.config/octo/master.key) to the master key this keystore was created with',
  });
}
