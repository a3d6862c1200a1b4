/**
 * PostgreSQL keystore locations (SPEC §2, §11): which values name one, and the one form in which
 * such a URL may be shown, with its password replaced by `***` (SPEC §11: a password in a URL is
 * never printed, in errors, logs and listings alike). Every place that shows a keystore URL calls
 * maskDbUrl.
 */

/** SPEC §2: a value starting with `postgres://` or `postgresql://` (a URL scheme is case-insensitive). */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(value);
}

/** Query parameters that libpq reads as a password. */
const SECRET_PARAMS = /([?&](?:password|sslpassword)=)[^&#]*/gi;

/**
 * `postgres://USER:***@HOST[:PORT]/DB`. The user information ends at the last `@`: a password with
 * an unencoded `@`, `/`, `?` or `#` (not a valid URL, but typed all the same) is hidden whole, at
 * the price of hiding more than the password when a later part holds an `@` of its own. Anything
 * that is not a PostgreSQL URL is returned as it is.
 */
export function maskDbUrl(url: string): string {
  const scheme = /^postgres(?:ql)?:\/\//i.exec(url);
  if (!scheme) return url;
  let rest = url.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    if (colon >= 0) rest = `${userinfo.slice(0, colon)}:***${rest.slice(at)}`;
  }
  return scheme[0] + rest.replace(SECRET_PARAMS, '$1***');
}
