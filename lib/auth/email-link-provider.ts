import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';
import Nodemailer from 'next-auth/providers/nodemailer';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { env } from '@/lib/server/env';
import { db } from '@/lib/server/db';
import {
  continueLink,
  EMAIL_PROVIDER_ID,
  linkTokenSecret,
  REQUESTED_LINK_MAX_AGE_SEC,
} from '@/lib/mail/link-token';
import { requestLocale } from '@/lib/i18n/request-locale';
import { queueMail } from '@/lib/mail/queue';
import { seal } from '@/lib/server/seal';

// Auth.js email sign-in ("Email me a sign-in link"), wired to Tollgate's mail outbox: Auth.js makes
// the token and stores its hash in VerificationToken; instead of sending, sendVerificationRequest
// queues the message (the worker's retries). Auth.js's own callback never uses the token: its URL
// only forwards to the "Continue" page, and lib/auth/link-sign-in.ts uses it on that page's POST.

const linkRequest = new AsyncLocalStorage<true>();

/** Runs Auth.js's sign-in request inside lib/auth/email-link.ts, the only place allowed to start one. */
export const asLinkRequest = <T>(fn: () => Promise<T>) => linkRequest.run(true, fn);

/**
 * Auth.js builds its link as `<Host of the request>/api/auth/callback/nodemailer?callbackUrl=…&token=…`.
 * Only the token and the callback's path are kept, on APP_URL's "Continue" page: a forged Host must not
 * put a working token into a link to someone else's site, and the link must be the robot-proof one.
 */
export function toContinueLink(raw: string, appUrl = env().APP_URL): string {
  const u = new URL(raw);
  const cb = u.searchParams.get('callbackUrl');
  const c = cb ? new URL(cb, 'http://tollgate.invalid') : null;
  return continueLink(appUrl, {
    token: u.searchParams.get('token') ?? '',
    callbackPath: safeCallbackUrl(c ? `${c.pathname}${c.search}` : '/'),
  });
}

export function emailLinkProvider() {
  return Nodemailer({
    id: EMAIL_PROVIDER_ID,
    server: {}, // never used: sendVerificationRequest below queues instead of sending
    maxAge: REQUESTED_LINK_MAX_AGE_SEC,
    secret: linkTokenSecret(),
    async sendVerificationRequest({ identifier, url, expires }) {
      await queueMail(db, identifier, 'sign_in_link', {
        sealedUrl: seal(toContinueLink(url), 'mail-payload-v1'),
        expires: expires.toISOString(),
        // The language of the page that asked (its cookie, else Accept-Language): a person who has never
        // signed in reads the link in the language they were reading.
        locale: await requestLocale().catch(() => undefined), // outside a request (tests): none
      });
    },
  });
}

/**
 * The signIn callback for this provider. Asking for a link: only through our own action, which
 * rate-limits and answers the same whether the address exists or not (a direct POST to
 * /api/auth/signin/nodemailer is refused for every address alike). Using a link through Auth.js's
 * callback: never (app/api/auth/[...nextauth]/route.ts forwards it to the "Continue" page).
 */
export async function emailSignInAllowed(
  _user: { email?: string | null },
  email?: { verificationRequest?: boolean },
): Promise<boolean> {
  return email?.verificationRequest === true && linkRequest.getStore() === true;
}
