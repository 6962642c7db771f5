import 'server-only';
import { AuthError } from 'next-auth';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { signIn } from '@/lib/auth/config';
import { check, consume, reset } from '@/lib/auth/rate-limit';
import { db } from '@/lib/db';
import type { RequestMeta } from '@/lib/http/request-meta';

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
  const ipKey = meta.ip ?? 'unknown';
  for (const [name, key] of [['signInEmail', input.email], ['signInIp', ipKey]] as const) {
    const status = await check(name, key);
    if (status.limited) {
      await audit({ action: 'sign_in.throttled', detail: { email: input.email, by: name }, meta });
      return { ok: false, reason: 'throttled', retryAfterSec: status.retryAfterSec };
    }
  }
  try {
    await signIn('credentials', { email: input.email, password: input.password, redirect: false });
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    const [byEmail, byIp] = [await consume('signInEmail', input.email), await consume('signInIp', ipKey)];
    await audit({ action: 'sign_in.failure', detail: { email: input.email }, meta });
    const limited = byEmail.limited ? byEmail : byIp.limited ? byIp : null;
    return limited ? { ok: false, reason: 'throttled', retryAfterSec: limited.retryAfterSec } : { ok: false, reason: 'invalid' };
  }
  const user = await db.user.findUniqueOrThrow({ where: { email: input.email } });
  await reset('signInEmail', input.email);
  if (validTimeZone(input.tz) && input.tz !== user.timeZone) await db.user.update({ where: { id: user.id }, data: { timeZone: input.tz } });
  await audit({ action: 'sign_in.success', actor: { id: user.id, email: user.email }, meta });
  return { ok: true, userId: user.id };
}

/** Only same-origin relative paths; anything else goes to the dashboard (no open redirect). */
export function safeCallbackUrl(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\') || raw.length > 512) return '/';
  return raw;
}
