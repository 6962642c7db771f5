import 'server-only';
import { headers } from 'next/headers';
import { env } from '@/lib/config/env';
import { REQUEST_ID_HEADER } from '@/lib/server/request-id';

/** `requestId`: the id proxy.ts gave this request (also on its log lines and its `X-Request-Id` answer). */
export type RequestMeta = { ip: string | null; userAgent: string | null; requestId?: string | null };

/**
 * The client address for audit rows and per-IP limits. X-Forwarded-For entries are appended left to
 * right, and only the ones our own proxies appended can be trusted: with TRUSTED_PROXY_HOPS proxies,
 * the client is the entry that many places from the right (the leftmost entries are whatever the client
 * sent). Next.js itself fills the header with the socket address when nothing in front set it.
 */
export function clientIp(forwardedFor: string | null, hops: number): string | null {
  const hopsList = (forwardedFor ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const ip = hopsList[hopsList.length - hops];
  return ip && /^[0-9a-fA-F:.]{2,64}$/.test(ip) ? ip : null;
}

export async function requestMeta(): Promise<RequestMeta> {
  const h = await headers();
  return {
    ip: clientIp(h.get('x-forwarded-for'), env().TRUSTED_PROXY_HOPS),
    userAgent: h.get('user-agent')?.slice(0, 512) ?? null,
    requestId: h.get(REQUEST_ID_HEADER),
  };
}
