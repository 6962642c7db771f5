import 'server-only';
import crypto from 'node:crypto';
import { cookies } from 'next/headers';
import { db, type Tx } from '@/lib/server/db';
import { env } from '@/lib/server/env';
import { errorForLog, log } from '@/lib/server/log';
import { mac, macs, sameMac } from '@/lib/server/seal';
import { servesHttps } from '@/lib/server/http-url';

// The known-device cookie (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): given to a
// browser once a sign-in is complete (the password, or a used link, when the login has no second
// factor; else the right code), bound by an HMAC under a key derived from AUTH_SECRET to that login
// and to its epoch: the login's revocation mark (User.linksRevokedAt), which every revocation moves
// (sign out everywhere, a password change, a second-factor change or reset, a disable, support's
// "Sign out everywhere": lib/auth/revoke.ts). A browser that presents a valid one for the current
// epoch spends only its own allowance of failed attempts and the login's ceiling for all its known
// browsers (lib/auth/limit-keys.ts), so strangers cannot lock the user out. After a revocation every
// cookie made before it counts as a stranger's: someone who held the password for a day and kept
// many cookies gets no more guesses than anyone (security review, 2026-12-05). The browser that makes
// a revocation from a complete sign-in (a password change, a second-factor change, new recovery
// codes, "Sign out everywhere") gets a cookie of the new epoch (keepDeviceKnown): it is the owner's.
// It grants nothing else: no session, no skipped password, no skipped second factor.

export const DEVICE_COOKIE = 'tollgate-device';
/** One year, in seconds. */
export const DEVICE_COOKIE_MAX_AGE_SEC = 365 * 24 * 60 * 60;

/** What a cookie is bound to: the login (its id and email) and its epoch (User.linksRevokedAt). */
export type DeviceLogin = {
  id: string;
  email: string;
  linksRevokedAt: Date | null;
  /** Read with it, for the callers: a login with a second factor gets its cookie after the code. */
  totpEnabledAt: Date | null;
  disabled: boolean;
};

/** A valid cookie of the current epoch: the browser's id, and the epoch (base 36 milliseconds) it names. */
export type KnownDevice = { id: string; epoch: string };

const ID = /^[A-Za-z0-9_-]{22}$/;
const EPOCH = /^[0-9a-z]{1,12}$/;

/** The login's epoch as a cookie carries it: User.linksRevokedAt in milliseconds, base 36; "0" for none. */
const epochOf = (login: Pick<DeviceLogin, 'linksRevokedAt'>) =>
  (login.linksRevokedAt?.getTime() ?? 0).toString(36);

// "v2": cookies before the epoch (`<id>.<hmac of id and email>`) have two parts and never verify.
const signed = (id: string, login: Pick<DeviceLogin, 'id' | 'email'>, epoch: string) =>
  `v2\n${id}\n${login.email.toLowerCase()}\n${login.id}\n${epoch}`;

/**
 * The login a cookie would be bound to, read for one attempt (null: no login has that email or id).
 * Read BEFORE the step that may complete a sign-in, and the cookie made from this read: a revocation
 * that commits meanwhile leaves that cookie already stale, never valid past it. `client`: a
 * transaction, to read the epoch a revocation in it has just written (under the user row's lock).
 */
export async function deviceLogin(
  where: { email: string } | { id: string },
  client: Pick<Tx, 'user'> = db,
): Promise<DeviceLogin | null> {
  return client.user.findUnique({
    where,
    select: { id: true, email: true, linksRevokedAt: true, totpEnabledAt: true, disabled: true },
  });
}

/**
 * A new cookie value for `login` under its current epoch: `<random id>.<epoch>.<hmac>` (22, 1–12 and
 * 64 characters).
 */
export function newDeviceCookie(login: Pick<DeviceLogin, 'id' | 'email' | 'linksRevokedAt'>): string {
  const id = crypto.randomBytes(16).toString('base64url');
  const epoch = epochOf(login);
  return `${id}.${epoch}.${mac(signed(id, login, epoch), 'known-device-v1')}`;
}

/**
 * `cookie` split and checked against `login` (under AUTH_SECRET, or the previous one during a
 * rotation), whatever its epoch.
 */
function authentic(
  cookie: string | null | undefined,
  login: Pick<DeviceLogin, 'id' | 'email'> | null,
): KnownDevice | null {
  if (!cookie || !login || cookie.length > 200) return null;
  const [id, epoch, sig, more] = cookie.split('.');
  if (!id || !epoch || !sig || more !== undefined || !ID.test(id) || !EPOCH.test(epoch)) return null;
  // Under the previous AUTH_SECRET too, during a rotation; the next sign-in gives a cookie under the
  // current one.
  return macs(signed(id, login, epoch), 'known-device-v1').some((m) => sameMac(sig, m))
    ? { id, epoch }
    : null;
}

/**
 * The device when `cookie` is a valid known-device cookie of `login` under its current epoch, else
 * null (no cookie, forged, another login's, made before the login's last revocation, or no login).
 */
export function knownDevice(
  cookie: string | null | undefined,
  login: Pick<DeviceLogin, 'id' | 'email' | 'linksRevokedAt'> | null,
): KnownDevice | null {
  const device = login ? authentic(cookie, login) : null;
  return device && device.epoch === epochOf(login!) ? device : null;
}

/**
 * Whether this browser completed a sign-in as `login` at some time, the login's revocations since
 * included (a genuine cookie of any epoch). It counts for nothing in the limits; only the answer to a
 * disabled login uses it (lib/auth/sign-in.ts): its owner's own browser is told the login is
 * disabled, whatever password is typed.
 */
export function signedInHereBefore(
  cookie: string | null | undefined,
  login: Pick<DeviceLogin, 'id' | 'email'> | null,
): boolean {
  return authentic(cookie, login) !== null;
}

/**
 * Sets this browser's known-device cookie for `login` (read before the step that completed the sign-in:
 * deviceLogin): the one it brought, its expiry renewed, when that is valid under the current epoch,
 * else a new one. Nothing for a disabled login (as read): a disabled login completes no sign-in. For
 * the steps that complete a sign-in in a server action (the right second-factor code; a used link for
 * a login without a second factor) and for the revocations a signed-in browser makes itself
 * (keepDeviceKnown).
 */
export async function giveDeviceCookie(login: DeviceLogin): Promise<void> {
  if (login.disabled) return;
  const jar = await cookies();
  const brought = jar.get(DEVICE_COOKIE)?.value;
  const value = knownDevice(brought, login) ? brought! : newDeviceCookie(login);
  jar.set(DEVICE_COOKIE, value, deviceCookieOptions(env().APP_URL));
}

/**
 * After a revocation that this browser's own session made and survives (a portal password change,
 * setting up or moving the second factor, new recovery codes: each moves the epoch and keeps the
 * acting session, or gives it a new token), keeps the browser a known device of the login: it gets a
 * cookie of the epoch as read after the change committed, when `session` (the acting Session row, by
 * id, or by token for a session the change replaced) is still a live, complete sign-in of login
 * `userId` (past its second factor when the login has one) and the login is enabled. Before
 * (security re-review, 2026-12-05), the owner who changed the password during an attack was a
 * stranger at their next sign-in. The login is read before the session: a revocation that ended this
 * session and committed before that read is seen, so the cookie is never of an epoch whose
 * revocation ended this sign-in; one that commits after the read leaves the cookie already stale.
 * Call it only after the change committed. Never throws: a database error here is logged and leaves
 * the browser's cookie as it was, since the change is done and its answer must still reach the
 * browser (new recovery codes are shown once). For "Sign out everywhere", which ends the acting
 * session too, the epoch is read in its transaction (lib/auth/actions.ts).
 */
export async function keepDeviceKnown(
  userId: string,
  session: { id: string } | { sessionToken: string },
): Promise<void> {
  try {
    const login = await deviceLogin({ id: userId });
    if (!login || login.disabled) return;
    const row = await db.session.findUnique({
      where: session,
      select: { userId: true, expires: true, mfaVerifiedAt: true },
    });
    const complete =
      row !== null &&
      row.userId === userId &&
      row.expires.getTime() > Date.now() &&
      (login.totpEnabledAt === null || row.mfaVerifiedAt !== null);
    if (complete) await giveDeviceCookie(login);
  } catch (e) {
    log().warn({ error: errorForLog(e) }, 'known-device cookie not renewed after a revocation');
  }
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
