import 'server-only';
import { randomUUID } from 'node:crypto';
import { AuthError, CredentialsSignin } from 'next-auth';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { LoginDisabled, signIn } from '@/lib/auth/config';
import { emailSchema } from '@/lib/auth/email-address';
import { knownDeviceId, newDeviceCookie } from '@/lib/auth/known-device';
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
 * Success: the user and the (renewed) known-device cookie value to set. Refusals (notes under signIn.*):
 * `invalid` (one answer whether the email exists or not), `refused` signIn.disabled (the right
 * password for a disabled login, from a browser the login has signed in on before; from another, and
 * with a wrong password, `invalid`), `throttled` with the wait in whole minutes
 * (signIn.throttled, or signIn.throttledUseLink when the per-email ceiling refused it), `unavailable`
 * signIn.unavailable with a `reference` when the check itself failed (a database error), which is
 * neither counted nor audited as a failed sign-in.
 */
export type SignInOutcome = Outcome<{ userId: string; deviceCookie: string }>;

/**
 * The refusal of a rate-limited sign-in: wait `retryAfterSec` (15 minutes when unknown), at least a
 * minute. `useLink`: refused by the per-email ceiling for unknown browsers (`signInEmail`), which
 * strangers can keep spent: the answer sends the person to "Email me a sign-in link", which always
 * reaches the mailbox's owner (lib/auth/email-link.ts). The counters are the same whether the email
 * has a login or not, so neither answer tells that.
 */
const throttled = (retryAfterSec: number | undefined, useLink = false): SignInOutcome =>
  fail('throttled', useLink ? 'signIn.throttledUseLink' : 'signIn.throttled', {
    minutes: Math.max(1, Math.ceil((retryAfterSec ?? 900) / 60)),
  });

/** What the browser brought besides the form: its known-device cookie, if any (lib/auth/known-device.ts). */
export type SignInClient = { deviceCookie?: string | null };

/**
 * Password sign-in. Every attempt spends its limit counters BEFORE the password is checked (parallel
 * guesses cannot slip past), a success gives them back, and the answer is one generic failure whether
 * the email exists or not; every attempt is audited. Which counters: lib/auth/limit-keys.ts — strangers
 * are counted per email and address, a known browser only against its own allowance.
 * Returns, on success, a (renewed) known-device cookie value for the caller to set.
 */
export async function attemptSignIn(
  input: z.output<typeof signInSchema>,
  meta: RequestMeta,
  client: SignInClient = {},
): Promise<SignInOutcome> {
  const deviceId = knownDeviceId(client.deviceCookie, input.email);
  const keys = passwordLimitKeys({ email: input.email, ip: meta.ip, deviceId });
  // The first statement: a database outage here has changed nothing (lib/server/safe-action.ts guestForm).
  const { over, last, lastBy } = await firstStatement(() => consumeAll(keys));
  if (over?.status.limited) {
    await audit({
      action: 'sign_in.throttled',
      actor: { id: null, email: input.email },
      detail: { email: input.email, by: over.name },
      meta,
    });
    countSignIn('password', 'throttled');
    return throttled(over.status.retryAfterSec, over.name === 'signInEmail');
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
    await audit({
      action: 'sign_in.failure',
      actor: { id: null, email: input.email },
      detail: { email: input.email, knownDevice: deviceId !== null, ...(disabled ? { disabled } : {}) },
      meta,
    });
    countSignIn('password', last?.limited ? 'throttled' : 'failure');
    // The right password for a disabled login, from a browser this login has signed in on before (its
    // known-device cookie): say so (signIn.disabled), rather than "not correct", which sent the
    // customer to reset a password that works. From any other browser the one answer a wrong password
    // gets: someone guessing or trying a leaked list learns nothing from a disabled login. (Whoever
    // took the password and signed in with it before holds a cookie too; they learn nothing new.)
    if (disabled && deviceId !== null) return fail('refused', 'signIn.disabled');
    return last?.limited
      ? throttled(last.retryAfterSec, lastBy === 'signInEmail')
      : fail('invalid', 'signIn.invalid');
  }
  for (const k of keys)
    await (k.name === 'signInIp' || k.name === 'signInEmail' ? reward(k.name, k.key) : reset(k.name, k.key));
  const user = await db.user.findUniqueOrThrow({ where: { email: input.email } });
  await afterPasswordSignIn(user, input);
  await audit({
    action: 'sign_in.success',
    actor: { id: user.id, email: user.email },
    detail: { knownDevice: deviceId !== null },
    meta,
  });
  countSignIn('password', 'success');
  return succeed({
    userId: user.id,
    deviceCookie: deviceId ? client.deviceCookie! : newDeviceCookie(user.email),
  });
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
