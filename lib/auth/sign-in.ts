import 'server-only';
import { AuthError } from 'next-auth';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { signIn } from '@/lib/auth/config';
import { consume, reset, reward } from '@/lib/auth/rate-limit';
import { db } from '@/lib/db';
import type { RequestMeta } from '@/lib/http/request-meta';
import { countSignIn } from '@/lib/server/metrics';

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().min(1, 'Enter your email address.').max(254, 'That email address is too long.').pipe(z.email('Enter a valid email address.')),
  password: z.string().min(1, 'Enter your password.').max(1024, 'That password is too long.'),
  tz: z.string().max(64).optional(),
});

export type SignInOutcome = { ok: true; userId: string } | { ok: false; reason: 'invalid' | 'throttled'; retryAfterSec?: number };

const validTimeZone = (tz: string | undefined) => !!tz && Intl.supportedValuesOf('timeZone').includes(tz);

/**
 * Rate limited per email and per IP (rate-limiter-flexible over the database), one generic failure
 * message whether the email exists or not, and every attempt audited.
 */
export async function attemptSignIn(input: z.output<typeof signInSchema>, meta: RequestMeta): Promise<SignInOutcome> {
  // Counted before the password is checked, so parallel guesses cannot slip past the limit; a
  // success gives the points back. A request without a client address is not rate limited by IP
  // (one shared "unknown" bucket would let anyone lock everyone out); the per-email limit still holds.
  const byEmail = await consume('signInEmail', input.email);
  const byIp = meta.ip ? await consume('signInIp', meta.ip) : ({ limited: false } as const);
  const over = byEmail.limited && byEmail.rejected ? byEmail : byIp.limited && byIp.rejected ? byIp : null;
  if (over) {
    await audit({ action: 'sign_in.throttled', detail: { email: input.email, by: over === byEmail ? 'email' : 'ip' }, meta });
    countSignIn('password', 'throttled');
    return { ok: false, reason: 'throttled', retryAfterSec: over.retryAfterSec };
  }
  try {
    await signIn('credentials', { email: input.email, password: input.password, redirect: false });
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    await audit({ action: 'sign_in.failure', detail: { email: input.email }, meta });
    const limited = byEmail.limited ? byEmail : byIp.limited ? byIp : null;
    countSignIn('password', limited ? 'throttled' : 'failure');
    return limited ? { ok: false, reason: 'throttled', retryAfterSec: limited.retryAfterSec } : { ok: false, reason: 'invalid' };
  }
  if (meta.ip) await reward('signInIp', meta.ip);
  const user = await db.user.findUniqueOrThrow({ where: { email: input.email } });
  await reset('signInEmail', input.email);
  if (validTimeZone(input.tz) && input.tz !== user.timeZone) await db.user.update({ where: { id: user.id }, data: { timeZone: input.tz } });
  await audit({ action: 'sign_in.success', actor: { id: user.id, email: user.email }, meta });
  countSignIn('password', 'success');
  return { ok: true, userId: user.id };
}

/**
 * Only same-origin paths; anything else goes to the dashboard (no open redirect). Browsers drop tabs
 * and newlines and read "\\" as "/", so "/\t/evil.example" would become "//evil.example": any control
 * character or backslash is refused, and the result must still be a path on our own origin.
 */
export function safeCallbackUrl(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 512 || !raw.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(raw)) return '/';
  const base = 'http://tollgate.invalid';
  try {
    const u = new URL(raw, base);
    if (u.origin !== base || u.pathname.startsWith('//')) return '/';
    return `${u.pathname}${u.search}${u.hash}`;
  } catch {
    return '/';
  }
}
