import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';
import Nodemailer from 'next-auth/providers/nodemailer';
import { audit } from '@/lib/audit/log';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db';
import { requestMeta } from '@/lib/http/request-meta';
import { EMAIL_PROVIDER_ID, LINK_MAX_AGE_SEC, linkTokenSecret } from '@/lib/mail/link-token';
import { queueMail } from '@/lib/mail/queue';
import { seal } from '@/lib/security/seal';

// Auth.js email sign-in ("Email me a sign-in link"), wired to Tollgate's mail outbox: Auth.js makes
// the token, stores its hash in VerificationToken and, on the link's callback, checks and deletes it
// (single use, expiring) and runs the same jwt callback as a password sign-in (a Session row).
// Instead of sending, sendVerificationRequest queues the message, so it gets the worker's retries.

const linkRequest = new AsyncLocalStorage<true>();

/** Runs Auth.js's sign-in request inside lib/auth/email-link.ts, the only place allowed to start one. */
export const asLinkRequest = <T>(fn: () => Promise<T>) => linkRequest.run(true, fn);

/**
 * Auth.js's link is built from the request's Host / X-Forwarded-Host. A forged Host must not put a
 * working token into a link to someone else's site, so the link is re-based onto APP_URL.
 */
export function onAppUrl(raw: string, appUrl = env().APP_URL): string {
  const app = new URL(appUrl);
  const u = new URL(raw);
  const link = new URL(`${u.pathname}${u.search}`, app.origin);
  const cb = link.searchParams.get('callbackUrl');
  if (cb) {
    const c = new URL(cb, app.origin);
    link.searchParams.set('callbackUrl', new URL(`${c.pathname}${c.search}`, app.origin).toString());
  }
  return link.toString();
}

export function emailLinkProvider() {
  return Nodemailer({
    id: EMAIL_PROVIDER_ID,
    server: {}, // never used: sendVerificationRequest below queues instead of sending
    maxAge: LINK_MAX_AGE_SEC,
    secret: linkTokenSecret(),
    async sendVerificationRequest({ identifier, url, expires }) {
      await queueMail(db, identifier, 'sign_in_link', { sealedUrl: seal(onAppUrl(url), 'mail-payload-v1'), expires: expires.toISOString() });
    },
  });
}

/**
 * The signIn callback for this provider. Asking for a link: only through our own action, which
 * rate-limits and answers the same whether the address exists or not (a direct POST to
 * /api/auth/signin/nodemailer is refused for every address alike). Using a link: only for an
 * existing, enabled user; a link never creates a user.
 */
export async function emailSignInAllowed(user: { email?: string | null }, email?: { verificationRequest?: boolean }): Promise<boolean> {
  if (email?.verificationRequest) return linkRequest.getStore() === true;
  if (!user.email) return false;
  const row = await db.user.findUnique({ where: { email: user.email }, select: { disabled: true } });
  return !!row && !row.disabled;
}

export async function auditEmailSignIn(user: { id?: string; email?: string | null }) {
  if (!user.id || !user.email) return;
  await audit({ action: 'sign_in.success', actor: { id: user.id, email: user.email }, detail: { method: 'email_link' }, meta: await requestMeta().catch(() => null) });
}
