/** Name of the session cookie (API contract v1). */
export const SESSION_COOKIE = 'hotline_session';

/** The value of one cookie from a `Cookie` header (RFC 6265 §5.4), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * `Set-Cookie` for the session: HttpOnly (no script can read it), SameSite=Strict (no cross-site
 * request carries it, RFC 6265bis §5.4.7), Secure when served over HTTPS. No Max-Age: the
 * server enforces the idle and absolute limits, and the cookie dies with the browser.
 */
export function sessionCookie(value: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** `Set-Cookie` that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
