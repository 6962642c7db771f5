// A POST that calls a server action (it carries a `Next-Action` header) which Next would refuse by
// throwing, answered with a 500: read by proxy.ts before Next reads the request (break-15).

/** The server actions' body limit in bytes: next.config.js `experimental.serverActions.bodySizeLimit` (64 KB). */
export const ACTION_BODY_LIMIT = 64 * 1024;

export type ActionRefusal = { status: 403 | 413; message: string };

/**
 * The hosts Next takes an action's Origin for (next/dist/server/app-render/action-handler.js
 * `parseHostHeader`): the first `X-Forwarded-Host` entry or `Host`. proxy.ts removes a client's own
 * `X-Forwarded-Host` unless a proxy the operator runs sets it (TRUSTED_PROXY_HOPS > 0).
 */
function requestHosts(headers: Headers): string[] {
  const forwarded = headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  return [forwarded, headers.get('host')].filter((h): h is string => !!h);
}

/**
 * Why the server-action POST with these `headers` is refused, or null (Next handles it):
 * - 413 when its declared `Content-Length` passes ACTION_BODY_LIMIT (Next throws "Body exceeded");
 * - 403 when it has an `Origin` whose host is not the request's (requestHosts): Next's own CSRF rule
 *   for actions (next/dist/server/app-render/action-handler.js, without `allowedOrigins`, which
 *   Tollgate does not set), including the opaque origin `null` and an Origin that is not a URL (Next's
 *   `new URL` throws on it). A request without Origin is not a browser's: left to Next, as Next does.
 * Any other request (not a POST, no `Next-Action`) is null.
 */
export function refusedActionPost(method: string, headers: Headers): ActionRefusal | null {
  if (method !== 'POST' || !headers.has('next-action')) return null;
  if (Number(headers.get('content-length') ?? '0') > ACTION_BODY_LIMIT)
    return { status: 413, message: 'A form may send at most 64 KB.' };
  const origin = headers.get('origin');
  if (origin === null) return null;
  const host = origin !== 'null' && URL.canParse(origin) ? new URL(origin).host : null;
  if (host === null || !requestHosts(headers).includes(host))
    return { status: 403, message: 'This form was sent from another site.' };
  return null;
}
