import { handlers } from '@/lib/auth/config';
import { keepLinkDestination } from '@/lib/auth/link-errors';

export const GET = keepLinkDestination(handlers.GET);

/**
 * Password sign-in happens only through the sign-in page's server action, which applies the per-email
 * and per-IP limits and audits every attempt (lib/auth/sign-in.ts). Auth.js's own credentials
 * endpoints would skip all of that, so they do not exist here.
 */
export async function POST(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (/\/(callback|signin)\/credentials\/?$/.test(path)) return new Response('Not found', { status: 404 });
  return handlers.POST(request as Parameters<typeof handlers.POST>[0]);
}
