import 'server-only';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { env } from '@/lib/server/env';
import { AUTH_BASE_PATH, continueLink, EMAIL_PROVIDER_ID } from '@/lib/mail/link-token';

// Links sent before the "Continue" page existed point at Auth.js's callback
// (`/api/auth/callback/nodemailer?callbackUrl=<absolute>&token=…&email=…`), where a GET used the token
// up — for a mail scanner as much as for the person. Such a GET now forwards, unused, to the page.

const CALLBACK = `${AUTH_BASE_PATH}/callback/${EMAIL_PROVIDER_ID}`;

/**
 * For a GET of Auth.js's email callback: a 303 to the "Continue" page with the same token and destination
 * (a `callbackUrl` that is not a URL of this origin, or not a URL at all, becomes the dashboard); else null.
 */
export function forwardLegacyLink(request: Request, appUrl = env().APP_URL): Response | null {
  const url = new URL(request.url);
  if (url.pathname.replace(/\/$/, '') !== CALLBACK) return null;
  const cb = url.searchParams.get('callbackUrl');
  // Whatever the link (or a mail client rewriting it) holds: text that is not a URL lands on the dashboard.
  const c = cb && URL.canParse(cb, appUrl) ? new URL(cb, appUrl) : null;
  const dest = safeCallbackUrl(c && c.origin === new URL(appUrl).origin ? `${c.pathname}${c.search}` : '/');
  const location = continueLink(appUrl, { token: url.searchParams.get('token') ?? '', callbackPath: dest });
  return new Response(null, {
    status: 303,
    headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
  });
}
