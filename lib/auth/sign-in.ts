import 'server-only';
import { randomUUID } from 'node:crypto';
import { AuthError, CredentialsSignin } from 'next-auth';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { LoginDisabled, PasswordRefused, signIn, type PasswordRefusal } from '@/lib/auth/config';
import { emailSchema } from '@/lib/auth/email-address';
import {
  deviceLogin,
  knownDevice,
  newDeviceCookie,
  signedInHereBefore,
  type DeviceLogin,
} from '@/lib/auth/known-device';
import { passwordLimitKeys } from '@/lib/auth/limit-keys';
import { errorForLog, log } from '@/lib/server/log';
import { consumeAll, reset, reward, type LimitName } from '@/lib/server/rate-limit';
import { firstStatement } from '@/lib/server/db/unavailable';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { countSignIn } from '@/lib/server/metrics';
import { fail, succeed, type Outcome } from '@/lib/server/outcome';
import { adoptZoneAtSignIn, browserZoneField } from '@/lib/time/zone';

export const signInSchema = z.object({
  email: emailSchema({
    required: 'outcome.field.email',
    tooLong: 'outcome.field.emailTooLong',
    invalid: 'outcome.field.emailInvalid',
  }),
  password: z
    .string()
    .min(1, 'outcome.field.signInPassword')
    .max(1024, 'outcome.field.signInPasswordTooLong'),
  /** The browser's zone, read when the form was submitted; never fails the sign-in (browserZoneField). */
  tz: browserZoneField,
});

/**
 * Success: the user and the known-device cookie value to set (the browser's own, renewed, or a new
 * one), or null when none is due yet: a login with a second factor gets a new one only once the code
 * is right (lib/auth/known-device.ts giveDeviceCookie). Refusals (notes under signIn.*): `invalid`
 * (one answer whether the email exists or not), `refused` signIn.disabled (a disabled login, from a
 * browser that completed a sign-in as it before, whatever password was typed; from any other browser
 * `invalid`, as for a wrong password), `throttled` with the wait in whole minutes (signIn.throttled;
 * signIn.throttledUseLink when the per-email ceiling for unknown browsers refused it,
 * signIn.throttledAddressUseLink when the per-address counter did), `unavailable` signIn.unavailable
 * with a `reference` when the check itself failed (a database error), which is neither counted nor
 * audited as a failed sign-in.
 */
export type SignInOutcome = Outcome<{ userId: string; deviceCookie: string | null }>;

/**
 * The answer's note per refusing counter, for those that strangers can keep spent: the per-email
 * ceiling for unknown browsers (`signInEmail`) and the per-address counter (`signInIp`: everyone
 * behind one office or carrier NAT shares it). Those answers send the person to "Email me a sign-in
 * link", which always reaches the mailbox's owner (lib/auth/email-link.ts); the others say to wait
 * (or use the link). The counters are the same whether the email has a login or not, so no answer
 * tells that.
 */
const USE_LINK: Partial<Record<LimitName, string>> = {
  signInEmail: 'signIn.throttledUseLink',
  signInIp: 'signIn.throttledAddressUseLink',
};

/**
 * The refusal of a rate-limited sign-in by counter `by`: wait `retryAfterSec` (15 minutes when
 * unknown), at least a minute.
 */
const throttled = (retryAfterSec: number | undefined, by: LimitName | null): SignInOutcome =>
  fail('throttled', (by && USE_LINK[by]) ?? 'signIn.throttled', {
    minutes: Math.max(1, Math.ceil((retryAfterSec ?? 900) / 60)),
  });

/**
 * When a counter's lock ends, `retryAfterSec` (whole seconds, rounded up) from now: ISO 8601 in UTC,
 * as the audit rows store it (`lockedUntil`). The counter's own end, for the staff audit log; the
 * visitor is told whole minutes (throttled).
 */
const lockEnds = (retryAfterSec: number): string => new Date(Date.now() + retryAfterSec * 1000).toISOString();

/**
 * Why a refused password was refused, for the `sign_in.failure` row only (never the answer): the
 * authorize step's PasswordRefusal, `disabled` (the right password for a disabled login), or
 * `unspecified` for a refusal that names none (Auth.js's own, when authorize returns nothing; ours
 * never does).
 */
export type SignInFailureReason = PasswordRefusal | 'disabled' | 'unspecified';

const failureReason = (e: unknown): SignInFailureReason =>
  e instanceof LoginDisabled ? 'disabled' : e instanceof PasswordRefused ? e.reason : 'unspecified';

/**
 * Where a sign-in stands once the password (or link) is accepted, as its `sign_in.success` row
 * stores it (`secondFactor`): `pending` for a login with a second factor, whose session opens nothing
 * until the code is right (lib/auth/session.ts secondFactorPending; the sign-in completes with
 * `mfa.verified`), `none` for a login without one, signed in now. Read from the login as it is now.
 */
export const secondFactorAtSignIn = (user: { totpEnabledAt: Date | null }): 'pending' | 'none' =>
  user.totpEnabledAt ? 'pending' : 'none';

/** What the browser brought besides the form: its known-device cookie, if any (lib/auth/known-device.ts). */
export type SignInClient = { deviceCookie?: string | null };

/**
 * Password sign-in. Every attempt spends its limit counters BEFORE the password is checked (parallel
 * guesses cannot slip past), a success gives them back, and the answer is one generic failure whether
 * the email exists or not; every attempt is audited: `sign_in.throttled` with the refusing counter
 * (`by`) and when its lock ends (`lockedUntil`), `sign_in.failure` with why (`reason`,
 * SignInFailureReason: staff eyes only, no answer or timing differs), `sign_in.success` with
 * `method: password` and whether a second factor is still due (`secondFactor`, secondFactorAtSignIn).
 * Which counters: lib/auth/limit-keys.ts — strangers are counted per email and address, a known
 * browser (a cookie of the login's current epoch) against its own allowance and the login's ceiling
 * for all its known browsers.
 * Returns, on success, the known-device cookie value for the caller to set, if one is due.
 */
export async function attemptSignIn(
  input: z.output<typeof signInSchema>,
  meta: RequestMeta,
  client: SignInClient = {},
): Promise<SignInOutcome> {
  // The first statements: a database outage here has changed nothing (lib/server/safe-action.ts
  // guestForm). The login is read before the password is checked, for every email alike: its epoch
  // decides whether the browser's cookie still counts, and a new cookie is made under it (a
  // revocation committed meanwhile leaves that cookie stale).
  const { login, device, keys, counted } = await firstStatement(async () => {
    const login = await deviceLogin({ email: input.email });
    const device = knownDevice(client.deviceCookie, login);
    const keys = passwordLimitKeys({ email: input.email, ip: meta.ip, device });
    return { login, device, keys, counted: await consumeAll(keys) };
  });
  const { over, last, lastBy } = counted;
  const deviceId = device?.id ?? null;
  if (over?.status.limited) {
    await audit({
      action: 'sign_in.throttled',
      actor: { id: null, email: input.email },
      detail: { email: input.email, by: over.name, lockedUntil: lockEnds(over.status.retryAfterSec) },
      meta,
    });
    countSignIn('password', 'throttled');
    return throttled(over.status.retryAfterSec, over.name);
  }
  try {
    await signIn('credentials', { email: input.email, password: input.password, redirect: false });
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    // Auth.js wraps whatever its authorize or jwt callback threw (a statement or lock timeout, a lost
    // connection, SQLite's busy file) as a CallbackRouteError: the password was not refused, so this
    // is no failed sign-in (a user retrying through a short outage would be locked out for 15 minutes
    // after it, and told their working password is wrong).
    if (!(e instanceof CredentialsSignin)) return checkFailed(e, keys, input, meta);
    const disabled = e instanceof LoginDisabled;
    // For staff eyes only (`reason`, and when this failure spent a counter's last point, when its
    // lock ends): the answer below is the same for an unknown address and a wrong password.
    await audit({
      action: 'sign_in.failure',
      actor: { id: null, email: input.email },
      detail: {
        email: input.email,
        reason: failureReason(e),
        knownDevice: deviceId !== null,
        ...(disabled ? { disabled } : {}),
        ...(last?.limited ? { lockedUntil: lockEnds(last.retryAfterSec) } : {}),
      },
      meta,
    });
    countSignIn('password', last?.limited ? 'throttled' : 'failure');
    // A disabled login (as read before the check, so the same whether this password was right or
    // not), from a browser that completed a sign-in as it before (a genuine cookie of any epoch: the
    // disable itself moved the epoch): say so (signIn.disabled), rather than "not correct", which sent
    // the customer to reset a password that works. Whatever password was typed: before, only the
    // right one got it, so whoever kept a cookie learned that a guess was right (security review,
    // 2026-12-05). From any other browser the one answer a wrong password gets: someone guessing or
    // trying a leaked list learns nothing from a disabled login.
    if (login?.disabled && signedInHereBefore(client.deviceCookie, login))
      return fail('refused', 'signIn.disabled');
    return last?.limited ? throttled(last.retryAfterSec, lastBy) : fail('invalid', 'signIn.invalid');
  }
  // The shared counters get this attempt's point back; the browser's own (and the email + address
  // pair's) start again. The known browsers' ceiling keeps the failures others spent on it.
  for (const k of keys) await (SHARED.has(k.name) ? reward(k.name, k.key) : reset(k.name, k.key));
  const user = await db.user.findUniqueOrThrow({ where: { email: input.email } });
  await afterPasswordSignIn(user, input);
  // With a second factor the person is not in yet: the row says so (`secondFactor: pending`), and
  // `mfa.verified` marks the sign-in complete (lib/auth/mfa/verify.ts).
  await audit({
    action: 'sign_in.success',
    actor: { id: user.id, email: user.email },
    detail: { method: 'password', secondFactor: secondFactorAtSignIn(user), knownDevice: deviceId !== null },
    meta,
  });
  countSignIn('password', 'success');
  return succeed({ userId: user.id, deviceCookie: deviceCookieAfterPassword(client, deviceId, login, user) });
}

/** Counters a success gives its point back to rather than resetting: others' failures stay counted. */
const SHARED = new Set<LimitName>(['signInIp', 'signInEmail', 'signInEmailDevices']);

/**
 * The known-device cookie after a right password: the browser's own when it is valid (its expiry
 * renewed); else a new one under the epoch read before the check (`login`), unless a second factor is
 * still due: then the sign-in is not complete, and the cookie comes with the right code (review: it
 * was minted here, so the password alone collected cookies).
 */
function deviceCookieAfterPassword(
  client: SignInClient,
  deviceId: string | null,
  login: DeviceLogin | null,
  user: { totpEnabledAt: Date | null },
): string | null {
  if (deviceId) return client.deviceCookie!;
  return login && !user.totpEnabledAt ? newDeviceCookie(login) : null;
}

/**
 * The answer when the password could not be checked (`error`, an AuthError that is no refusal): the
 * points this attempt spent are given back (best effort: the database may still be failing), and one
 * `error` line is logged, `"msg":"sign-in failed"` with `reference` (the request id, as for a form's
 * unexpected failure: lib/server/safe-action.ts) and the cause, the email and password cut out of it
 * (a Prisma message can quote its query's values).
 */
async function checkFailed(
  error: AuthError,
  keys: { name: LimitName; key: string }[],
  input: { email: string; password: string },
  meta: RequestMeta,
): Promise<SignInOutcome> {
  await Promise.all(keys.map((k) => reward(k.name, k.key))).catch(() => undefined);
  const reference = meta.requestId ?? randomUUID();
  const secrets = [input.password, input.email].filter((v) => v.length >= 3);
  const scrub = (text: string) => secrets.reduce((out, v) => out.replaceAll(v, '[form text]'), text);
  log().error({ reference, error: errorForLog(error.cause?.err ?? error, scrub) }, 'sign-in failed');
  return fail('unavailable', 'signIn.unavailable', { reference });
}

/** What a successful password sign-in updates on the user (the browser's time zone); one place to extend. */
async function afterPasswordSignIn(
  user: { id: string; totpEnabledAt: Date | null },
  input: z.output<typeof signInSchema>,
): Promise<void> {
  // The browser's zone, unless the user chose one in the profile (that choice stands) or a second
  // factor is still due (the code's form brings it again: adoptZoneAtSignIn).
  await adoptZoneAtSignIn(user, input.tz);
}

export { safeCallbackUrl } from '@/lib/auth/callback-url';
