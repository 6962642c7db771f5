import 'server-only';
import crypto from 'node:crypto';
import { mac, macs, sameMac } from '@/lib/server/seal';
import { servesHttps } from '@/lib/server/http-url';

// The known-device cookie (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): given to a
// browser after a successful sign-in, bound to that email by an HMAC under a key derived from
// AUTH_SECRET. A browser that presents a valid one for the email it is signing in as spends only its
// own allowance of failed attempts (lib/auth/limit-keys.ts), so strangers cannot lock the user out.
// It grants nothing else: no session, no skipped password, no skipped second factor.

export const DEVICE_COOKIE = 'tollgate-device';
/** One year, in seconds. */
export const DEVICE_COOKIE_MAX_AGE_SEC = 365 * 24 * 60 * 60;

const macFor = (id: string, email: string) => mac(`${id}\n${email.toLowerCase()}`, 'known-device-v1');

/** A new cookie value for `email`: `<random id>.<hmac>`, 22 + 1 + 64 characters. */
export function newDeviceCookie(email: string): string {
  const id = crypto.randomBytes(16).toString('base64url');
  return `${id}.${macFor(id, email)}`;
}

/** The device id when `cookie` is a valid known-device cookie for `email`, else null. */
export function knownDeviceId(cookie: string | null | undefined, email: string): string | null {
  if (!cookie || cookie.length > 200) return null;
  const [id, sig] = cookie.split('.');
  if (!id || !sig || !/^[A-Za-z0-9_-]{22}$/.test(id)) return null;
  // Under the previous AUTH_SECRET too, during a rotation; the next sign-in gives a cookie under the current one.
  return macs(`${id}\n${email.toLowerCase()}`, 'known-device-v1').some((m) => sameMac(sig, m)) ? id : null;
}

/** Cookie attributes for the known-device cookie (httpOnly; Secure when APP_URL is https). */
export function deviceCookieOptions(appUrl: string) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: servesHttps(appUrl),
    path: '/',
    maxAge: DEVICE_COOKIE_MAX_AGE_SEC,
  };
}
