import { NextResponse, type NextRequest } from 'next/server';
import { securityHeaders } from '@/lib/security/headers';
import { log } from '@/lib/server/log';
import { REQUEST_ID_HEADER, requestIdFor } from '@/lib/server/request-id';

// Per-request nonce-based CSP and the other security headers (lib/security/headers.ts decides them),
// and the request id that the request's log lines and audit rows carry.
export function proxy(request: NextRequest) {
  const requestId = requestIdFor(request.headers.get(REQUEST_ID_HEADER));
  // The path only: a query string may hold a sign-in link's token.
  log().info({ reqId: requestId, method: request.method, path: request.nextUrl.pathname }, 'request');
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const headers = securityHeaders({
    nonce,
    pathname: request.nextUrl.pathname,
    https: request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https',
    dev: process.env.NODE_ENV === 'development',
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set(REQUEST_ID_HEADER, requestId);
  requestHeaders.set('Content-Security-Policy', headers['Content-Security-Policy']);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico).*)' }],
};
