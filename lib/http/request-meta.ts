import 'server-only';
import { headers } from 'next/headers';

export type RequestMeta = { ip: string | null; userAgent: string | null };

/** Client address: the first X-Forwarded-For hop (set by the provider's reverse proxy), else X-Real-IP. */
export async function requestMeta(): Promise<RequestMeta> {
  const h = await headers();
  const forwarded = h.get('x-forwarded-for')?.split(',')[0]?.trim();
  return {
    ip: (forwarded || h.get('x-real-ip') || null)?.slice(0, 64) ?? null,
    userAgent: h.get('user-agent')?.slice(0, 512) ?? null,
  };
}
