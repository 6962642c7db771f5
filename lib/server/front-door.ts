import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { RequestCookies, ResponseCookies } from 'next/dist/compiled/@edge-runtime/cookies';
import {
  LINK_BIND_COOKIE,
  LINK_BIND_MAX_AGE_SEC,
  LINK_BIND_PATH,
  newLinkBinding,
} from '@/lib/auth/link-binding';
import { env } from '@/lib/server/env';
import { log } from '@/lib/server/log';
import { REQUEST_ID_HEADER, requestIdFor } from '@/lib/server/request-id';
import { securityHeaders } from '@/lib/server/security-headers';

// The portal's front door: what every request gets before Next.js sees it (issue 14). It runs in
// Tollgate's own HTTP server (scripts/serve.mjs) on the Node request itself, before Next's handler, so
// that Next runs no middleware: its middleware machinery (a NextRequest per request, the overridden
// request headers carried as `x-middleware-request-*` and applied again) cost more than the work.
// Next runs instrumentation.ts's register() during `app.prepare()`; that puts `frontDoor` on
// globalThis under FRONT_DOOR_KEY, and serve.mjs refuses to start without it.

/** Where register() (instrumentation.ts) leaves `frontDoor` for scripts/serve.mjs: `Symbol.for(FRONT_DOOR_KEY)`. */
export const FRONT_DOOR_KEY = 'tollgate.frontDoor';

/**
 * Next's compiled form of the old middleware matcher `/((?!_next/static|_next/image|favicon.ico).*)`
 * (`.next/server/functions-config-manifest.json`, copied verbatim). Static files, optimised images and
 * the favicon get nothing from the front door, as they got nothing from the proxy.
 */
const MATCHER =
  /^(?:\/(_next\/data\/[^/]{1,}))?(?:\/((?!_next\/static|_next\/image|favicon.ico).*))(\.json|\.rsc|\.segments\/.+\.segment\.rsc)?[/#?]?$/;

/** %00–%1F and %7F in a URL path (RFC 3986 percent-encoding): C0 control characters and DEL. */
const CONTROL_IN_PATH = /%(?:[01][0-9a-f]|7f)/i;

/** A path no route matches: a request rewritten to it gets the app's 404 page. */
const NO_PAGE = '/_no-such-page';

/**
 * The path of a request target as Next.js routes it: for the usual origin-form (`/a/b?q`) the WHATWG
 * URL parser's path (Next's parseRelativeUrl: dot segments resolved, percent-encoding kept, `//a`
 * kept as is); for an absolute-form target (`http://host/a`) its path; `/` for anything else (`*`).
 */
export function requestPath(target: string | undefined): string {
  try {
    return new URL(target?.startsWith('/') ? `http://n${target}` : (target ?? '/')).pathname;
  } catch {
    return '/';
  }
}

/**
 * Whether the old middleware matcher took `pathname`. Next tries the path as it came and decoded
 * (when it decodes) and runs the middleware if either matches: so does this.
 */
export function passesFrontDoor(pathname: string): boolean {
  if (MATCHER.test(pathname)) return true;
  try {
    return MATCHER.test(decodeURIComponent(pathname));
  } catch {
    return false;
  }
}

/**
 * Prepares one request for Next.js and starts its answer; call it before Next's request handler.
 * For a path the matcher takes (see passesFrontDoor), it
 * - gives the request its id (lib/server/request-id.ts): on `req` as `x-request-id` (log lines and
 *   audit rows read it) and on `res`, and logs one `request` line (method and path, never the query,
 *   which may hold a sign-in link's token);
 * - sets the security headers (lib/server/security-headers.ts) on `res`, with a fresh CSP nonce, and
 *   puts the CSP on `req` as `content-security-policy`, where Next reads the nonce for its own scripts;
 *   both overwrite whatever a client sent under those names;
 * - on the sign-in link page, when the browser has no binding cookie (lib/auth/link-binding.ts): a new
 *   one, on `req` (the page rendered for this very request sees it) and in a `Set-Cookie` on `res`;
 * - rewrites a path holding a percent-encoded control character (NUL above all, which PostgreSQL
 *   refuses in any text: an id read from it would be a 500) to a path no route matches: the app's 404.
 * Next keeps headers set on `res` unless it sets the same one (a 404 page's Cache-Control, say).
 * Throws only if the configuration is invalid (env()), which start-up has already ruled out.
 */
export function frontDoor(req: IncomingMessage, res: ServerResponse): void {
  const pathname = requestPath(req.url);
  if (!passesFrontDoor(pathname)) return;
  // A client's own X-Request-Id is kept only behind a trusted proxy (lib/server/request-id.ts).
  const incomingId = req.headers[REQUEST_ID_HEADER];
  const requestId = requestIdFor(
    typeof incomingId === 'string' ? incomingId : null,
    env().TRUSTED_PROXY_HOPS,
  );
  log().info({ reqId: requestId, method: req.method, path: pathname }, 'request');
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  // Next's own test for the request's protocol (router-server's resolve-routes).
  const forwardedProto = req.headers['x-forwarded-proto'];
  const https =
    Boolean((req.socket as TLSSocket | undefined)?.encrypted) ||
    (typeof forwardedProto === 'string' && forwardedProto.includes('https'));
  const headers = securityHeaders({ nonce, pathname, https, dev: process.env.NODE_ENV === 'development' });
  req.headers[REQUEST_ID_HEADER] = requestId;
  req.headers['content-security-policy'] = headers['Content-Security-Policy'];
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader(REQUEST_ID_HEADER, requestId);
  if (pathname === LINK_BIND_PATH) bindLink(req, res, https);
  if (CONTROL_IN_PATH.test(pathname)) req.url = NO_PAGE;
}

/** The sign-in link page's binding cookie, when the request has none (an empty value is none). */
function bindLink(req: IncomingMessage, res: ServerResponse, https: boolean): void {
  const cookies = new RequestCookies(new Headers(req.headers.cookie ? { cookie: req.headers.cookie } : {}));
  if (cookies.get(LINK_BIND_COOKIE)?.value) return;
  const binding = newLinkBinding();
  cookies.set(LINK_BIND_COOKIE, binding);
  req.headers.cookie = cookies.toString();
  const answer = new Headers();
  new ResponseCookies(answer).set(LINK_BIND_COOKIE, binding, {
    httpOnly: true,
    sameSite: 'strict',
    secure: https,
    path: LINK_BIND_PATH,
    maxAge: LINK_BIND_MAX_AGE_SEC,
  });
  res.appendHeader('Set-Cookie', answer.getSetCookie());
}
