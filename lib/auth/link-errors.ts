import 'server-only';
import { env } from '@/lib/config/env';
import { AUTH_BASE_PATH, EMAIL_PROVIDER_ID } from '@/lib/mail/link-token';

// Auth.js sends a used or expired email link to `/sign-in?error=Verification` and forgets where the
// link was going. This keeps it: the sign-in page then says what happened and, after signing in
// with a password or a new link, lands on the same page (e.g. the block the notice was about).

/** Only a path on this site: an absolute URL elsewhere is dropped (no open redirect). */
export function localPath(raw: string | null, appUrl = env().APP_URL): string | null {
  if (!raw) return null;
  try {
    const app = new URL(appUrl);
    const u = new URL(raw, app.origin);
    if (u.origin !== app.origin || raw.startsWith('//')) return null;
    return `${u.pathname}${u.search}`;
  } catch {
    return null;
  }
}

export function keepLinkDestination<R extends Request>(handler: (req: R) => Promise<Response>): (req: R) => Promise<Response> {
  return async (req) => {
    const res = await handler(req);
    const url = new URL(req.url);
    const location = res.headers.get('location');
    if (!location || !url.pathname.startsWith(`${AUTH_BASE_PATH}/callback/${EMAIL_PROVIDER_ID}`)) return res;
    const target = new URL(location, url);
    const dest = localPath(url.searchParams.get('callbackUrl'));
    if (!target.searchParams.has('error') || target.searchParams.has('callbackUrl') || !dest) return res;
    target.searchParams.set('callbackUrl', dest);
    // Response.redirect() headers are immutable: copy them (Set-Cookie included) onto a new response.
    const headers = new Headers(res.headers);
    headers.set('location', target.toString());
    return new Response(null, { status: res.status, headers });
  };
}
