// The request id: proxy.ts gives every request one, passes it to the app in this header and answers
// with it. Log lines (lib/server/log.ts) and audit rows (lib/audit/log.ts) of the request carry it.
//
// An incoming X-Request-Id is kept only when a proxy is trusted (TRUSTED_PROXY_HOPS > 0, the setting
// that already says "a proxy in front writes these headers"): that proxy sets it (nginx's
// `proxy_set_header X-Request-Id $request_id` replaces whatever the client sent), so its log lines and
// Tollgate's share the id. Without a trusted proxy the header comes from the client itself, who could
// give its requests the id of someone else's request (seen in a support ticket or an error page) and
// make an investigator joining the audit log and the logs on it read the two as one: it is ignored.
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The request's id: `incoming` when a proxy is trusted (`trustedProxyHops > 0`) and it is 8–64
 * characters of `[A-Za-z0-9._:-]`; otherwise a new random UUID.
 */
export function requestIdFor(incoming: string | null, trustedProxyHops: number): string {
  return trustedProxyHops > 0 && incoming && /^[A-Za-z0-9._:-]{8,64}$/.test(incoming)
    ? incoming
    : crypto.randomUUID();
}
