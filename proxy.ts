import { NextResponse, type NextRequest } from 'next/server';
import {
  bindingsToDrop,
  LINK_BIND_MAX_AGE_SEC,
  LINK_BIND_PATH,
  linkBindCookie,
  newLinkBinding,
} from '@/lib/auth/link-binding';
import { readLinkQuery, type LinkSearchParams } from '@/lib/auth/link-query';
import { RETURN_TO_HEADER, returnToOf } from '@/lib/auth/callback-url';
import { refusedAction } from '@/lib/server/action-request';
import { securityHeaders } from '@/lib/server/security-headers';
import { log } from '@/lib/server/log';
import { REQUEST_ID_HEADER, requestIdFor } from '@/lib/server/request-id';
import { env } from '@/lib/server/env';

// Per-request nonce-based CSP and the other security headers (lib/server/security-headers.ts
// decides them), the request id that the request's log lines and audit rows carry, the address a
// sign-in started by this request returns to (lib/auth/callback-url.ts), and the binding cookie of
// a sign-in link's "Continue" page (lib/auth/link-binding.ts).
export async function proxy(request: NextRequest) {
  // A client's own X-Request-Id is kept only behind a trusted proxy (lib/server/request-id.ts). The
  // setting comes from the configuration validated once (env()), as lib/server/request-meta.ts reads it.
  const requestId = requestIdFor(request.headers.get(REQUEST_ID_HEADER), env().TRUSTED_PROXY_HOPS);
  // The path only: a query string may hold a sign-in link's token.
  log().info({ reqId: requestId, method: request.method, path: request.nextUrl.pathname }, 'request');
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const https = request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  const headers = securityHeaders({
    nonce,
    pathname: request.nextUrl.pathname,
    https,
    dev: process.env.NODE_ENV === 'development',
  });
  const binding = newBindingFor(request);
  if (binding) request.cookies.set(binding.name, binding.value); // the page rendered for this very request sees it too
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set(REQUEST_ID_HEADER, requestId);
  requestHeaders.set('Content-Security-Policy', headers['Content-Security-Policy']);
  requestHeaders.set(RETURN_TO_HEADER, returnToOf(request.nextUrl));
  if (binding) requestHeaders.set('cookie', request.cookies.toString());
  // X-Forwarded-Host counts only when a proxy the operator runs sets it (TRUSTED_PROXY_HOPS > 0, as
  // for the client's address and the request id): a client's own would name the host Auth.js builds
  // its URLs from and the one Next checks a server action's Origin against (its CSRF rule).
  if (env().TRUSTED_PROXY_HOPS === 0) requestHeaders.delete('x-forwarded-host');
  // A path that holds a percent-encoded control character (NUL above all, which PostgreSQL refuses in
  // any text: an id read from it would be a 500), or whose percent-encoding is not UTF-8 (Next's
  // route matcher throws on it, a bare 500), names nothing: it gets the app's 404 page, by a
  // rewrite to a path no route matches.
  // A server action's POST that Next would refuse by throwing (a 500): too large, from another
  // origin, or a body Next cannot decode. Answered here in plain words; nothing runs
  // (lib/server/action-request.ts). The body read is the proxy's copy: Next keeps the original.
  const refused = await refusedAction(request.method, request.nextUrl.pathname, requestHeaders, request.body);
  const response = refused
    ? new NextResponse(refused.message, {
        status: refused.status,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      })
    : namesNothing(request.nextUrl.pathname)
      ? NextResponse.rewrite(new URL('/_no-such-page', request.url), { request: { headers: requestHeaders } })
      : NextResponse.next({ request: { headers: requestHeaders } });
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  response.headers.set(REQUEST_ID_HEADER, requestId);
  if (binding) {
    const options = {
      httpOnly: true,
      sameSite: 'lax', // lib/auth/link-binding.ts: why not Strict
      secure: https,
      path: LINK_BIND_PATH,
    } as const;
    for (const name of binding.drop) response.cookies.set(name, '', { ...options, maxAge: 0 });
    response.cookies.set(binding.name, binding.value, { ...options, maxAge: LINK_BIND_MAX_AGE_SEC });
  }
  return response;
}

/**
 * The binding cookie a GET or HEAD of a sign-in link's page sets (lib/auth/link-binding.ts): named
 * after the link's token as the page reads it (readLinkQuery), a fresh value only when the browser
 * has none for THAT link, so that another link's page, loaded at the same moment, never replaces it;
 * `drop`: the oldest bindings to delete first, past LINK_BIND_MAX_COOKIES. Null for any other
 * request, a POST (Continue checks the cookie the page was shown with, it never gets a new one), a
 * query without a whole token (the page only redirects), or a link this browser is bound to already
 * (the same link opened again from webmail keeps the binding of the page already open).
 */
function newBindingFor(request: NextRequest): { name: string; value: string; drop: string[] } | null {
  if (request.nextUrl.pathname !== LINK_BIND_PATH) return null;
  if (request.method !== 'GET' && request.method !== 'HEAD') return null;
  const query: LinkSearchParams = {};
  for (const key of new Set(request.nextUrl.searchParams.keys())) {
    const all = request.nextUrl.searchParams.getAll(key);
    query[key] = all.length === 1 ? all[0] : all;
  }
  const { token } = readLinkQuery(query);
  if (token === null) return null;
  const name = linkBindCookie(token);
  if (request.cookies.get(name)?.value) return null;
  return { name, value: newLinkBinding(), drop: bindingsToDrop(request.cookies.getAll()) };
}

/** %00–%1F and %7F in a URL path (RFC 3986 percent-encoding): C0 control characters and DEL. */
const CONTROL_IN_PATH = /%(?:[01][0-9a-f]|7f)/i;

/**
 * True when a URL path (percent-encoded, as `nextUrl.pathname` holds it) can name no page: it holds
 * a control character (CONTROL_IN_PATH), or it does not percent-decode as UTF-8 (RFC 3986 §2.5:
 * `%ff`, a lone `%`, a cut sequence, an encoded surrogate or overlong form), which
 * decodeURIComponent refuses; Next decodes a dynamic segment with it and answered 500 (break-15).
 */
function namesNothing(pathname: string): boolean {
  if (CONTROL_IN_PATH.test(pathname)) return true;
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

export const config = { matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico).*)' }] };
