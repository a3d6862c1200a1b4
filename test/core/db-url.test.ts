import { describe, expect, it } from 'vitest';
import { isPostgresUrl, maskDbUrl } from '../../src/core/db-url.js';

describe('maskDbUrl: a password in a keystore URL is never shown (SPEC §11)', () => {
  it.each([
    ['postgres://octo:s3cret@db.internal/keys', 'postgres://octo:***@db.internal/keys'],
    ['postgresql://octo:s3cret@db.internal:5433/keys', 'postgresql://octo:***@db.internal:5433/keys'],
    ['POSTGRES://octo:s3cret@db/keys', 'POSTGRES://octo:***@db/keys'],
    ['postgres://octo@db/keys', 'postgres://octo@db/keys'],
    ['postgres://db/keys', 'postgres://db/keys'],
    ['postgres://octo:@db/keys', 'postgres://octo:***@db/keys'],
    ['postgres://octo:p%40ss%3Aword@db/keys', 'postgres://octo:***@db/keys'],
    // Typed unencoded: everything up to the last @ is the user information.
    ['postgres://octo:p@ss@db/keys', 'postgres://octo:***@db/keys'],
    ['postgres://octo:pa/ss?x#y@db/keys', 'postgres://octo:***@db/keys'],
    ['postgres://octo:a:b@db/keys', 'postgres://octo:***@db/keys'],
    // An @ after the host hides the host too, never the other way round.
    ['postgres://octo:s3cret@db/keys?application_name=a@b', 'postgres://octo:***@b'],
    ['postgres://db/keys?user=octo&password=s3cret', 'postgres://db/keys?user=octo&password=***'],
    ['postgres://db/keys?sslpassword=s3cret&sslmode=require', 'postgres://db/keys?sslpassword=***&sslmode=require'],
    ['postgres://u:x@db/keys?PASSWORD=s3cret#frag', 'postgres://u:***@db/keys?PASSWORD=***#frag'],
    ['/home/me/.local/share/octo/keystore.db', '/home/me/.local/share/octo/keystore.db'],
    ['mysql://u:s3cret@db/keys', 'mysql://u:s3cret@db/keys'],
  ])('%s → %s', (url, masked) => {
    expect(maskDbUrl(url)).toBe(masked);
    if (isPostgresUrl(url)) expect(maskDbUrl(url)).not.toMatch(/s3cret|p@ss|pa\/ss|a:b@/);
  });

  it.each([
    ['postgres://h/d', true],
    ['postgresql://h/d', true],
    ['PostgreSQL://h/d', true],
    ['postgres:/h/d', false],
    ['postgres', false],
    ['./postgres://x', false],
    ['keystore.db', false],
  ])('isPostgresUrl(%s) is %s', (value, expected) => {
    expect(isPostgresUrl(value)).toBe(expected);
  });
});
