// The request id: proxy.ts gives every request one (or keeps a well-formed X-Request-Id from a proxy
// in front, e.g. nginx's $request_id), passes it to the app in this header and answers with it.
// Log lines (lib/server/log.ts) and audit rows (lib/audit/log.ts) of the request carry it.
export const REQUEST_ID_HEADER = 'x-request-id';

/** The incoming id when it is 8–64 characters of `[A-Za-z0-9._:-]`, else a new random UUID. */
export function requestIdFor(incoming: string | null): string {
  return incoming && /^[A-Za-z0-9._:-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
}
