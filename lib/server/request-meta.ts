import 'server-only';
import { headers } from 'next/headers';
import { env } from '@/lib/server/env';
import { REQUEST_ID_HEADER } from '@/lib/server/request-id';
import { normalizeIp } from '@/lib/server/client-address';
import { cutWhole } from '@/lib/server/control-characters';

/** `requestId`: the id proxy.ts gave this request (also on its log lines and its `X-Request-Id` answer). */
export type RequestMeta = { ip: string | null; userAgent: string | null; requestId?: string | null };

/**
 * The header in which Tollgate's own HTTP server (scripts/serve.mjs, used by `npm start`, the demo and
 * the tests) passes the TCP peer address of each request. It overwrites whatever a client sent under
 * that name, and announces itself with TOLLGATE_PEER_HEADER in its own process environment, so a
 * plain `next start` or `next dev` (where a client could set the header) never trusts it.
 */
export const PEER_HEADER = 'x-tollgate-peer';

/**
 * The client address for audit rows, emails and per-address limits, or null when it cannot be known.
 *
 * - `hops = 0` (TRUSTED_PROXY_HOPS=0, no proxy): the socket's peer address; X-Forwarded-For is ignored,
 *   because anyone can write it.
 * - `hops = n ≥ 1`: X-Forwarded-For entries are appended left to right, and only the last `n` were
 *   written by our own proxies: the client is the entry `n` places from the right. Entries further left
 *   are whatever the client sent.
 *
 * Only a well-formed IPv4 or IPv6 address is returned (normalised: no port, no brackets, IPv4-mapped
 * IPv6 as IPv4). Null is not a way around a limit: lib/auth/limit-keys.ts puts every request without a
 * usable address into one shared bucket.
 */
export function clientIp(
  forwardedFor: string | null,
  hops: number,
  peer: string | null = null,
): string | null {
  if (hops === 0) return normalizeIp(peer);
  const entries = (forwardedFor ?? '').split(',').map((s) => s.trim());
  if (entries.length < hops) return null;
  return normalizeIp(entries[entries.length - hops]);
}

/** The socket address our server passed in, or null outside it (see PEER_HEADER). */
function peerOf(h: Headers): string | null {
  return process.env.TOLLGATE_PEER_HEADER === PEER_HEADER ? h.get(PEER_HEADER) : null;
}

/** Client address and user agent of the current request (server components and actions). */
export async function requestMeta(): Promise<RequestMeta> {
  const h = await headers();
  const userAgent = h.get('user-agent');
  return {
    ip: clientIp(h.get('x-forwarded-for'), env().TRUSTED_PROXY_HOPS, peerOf(h)),
    userAgent: userAgent === null ? null : cutWhole(userAgent, 512),
    requestId: h.get(REQUEST_ID_HEADER),
  };
}
