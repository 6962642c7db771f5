import 'server-only';
import { AuthError } from 'next-auth';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { signIn } from '@/lib/auth/config';
import { asLinkRequest } from '@/lib/auth/email-link-provider';
import { consume, type LimitName } from '@/lib/auth/rate-limit';
import { db } from '@/lib/db';
import type { RequestMeta } from '@/lib/http/request-meta';
import { EMAIL_PROVIDER_ID } from '@/lib/mail/link-token';
import { log } from '@/lib/server/log';
import { countSignIn } from '@/lib/server/metrics';

export type LinkOutcome = { ok: true } | { ok: false; reason: 'invalid' | 'throttled'; retryAfterSec?: number };

const emailSchema = z.string().trim().toLowerCase().min(3).max(254).pipe(z.email());

/** Every answer takes at least this long, so the time taken does not tell whether the address exists. */
const FLOOR_MS = 400;

/**
 * "Email me a sign-in link". Rate limited per address and per IP; the answer is the same whether
 * the address belongs to a user or not. For a user, Auth.js's email sign-in makes the link and
 * queues it (lib/auth/email-link-provider.ts); `callbackUrl` is where the link lands.
 */
export async function requestSignInLink(rawEmail: unknown, callbackUrl: string, meta: RequestMeta): Promise<LinkOutcome> {
  const started = Date.now();
  const parsed = emailSchema.safeParse(rawEmail);
  if (!parsed.success) return { ok: false, reason: 'invalid' };
  const email = parsed.data;
  // Counted before anything is sent; an unknown client address is not a shared bucket for everyone.
  const keys: [LimitName, string][] = [['emailLink', email], ...(meta.ip ? [['emailLinkIp', meta.ip] as [LimitName, string]] : [])];
  for (const [name, key] of keys) {
    const status = await consume(name, key);
    if (status.limited && status.rejected) {
      await audit({ action: 'sign_in.link_throttled', detail: { email, by: name }, meta });
      countSignIn('email_link', 'throttled');
      return { ok: false, reason: 'throttled', retryAfterSec: status.retryAfterSec };
    }
  }

  const user = await db.user.findUnique({ where: { email }, select: { id: true, disabled: true } });
  if (user && !user.disabled) {
    try {
      await asLinkRequest(() => signIn(EMAIL_PROVIDER_ID, { email, redirectTo: callbackUrl, redirect: false }));
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      log().warn({ authError: e.type }, 'sign-in link not queued');
    }
  }
  await audit({ action: 'sign_in.link_requested', detail: { email }, meta });
  const wait = FLOOR_MS - (Date.now() - started);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  return { ok: true };
}
