import type { NextRequest } from 'next/server';
import { handlers } from '@/lib/auth/config';
import { forwardLegacyLink } from '@/lib/auth/legacy-links';

/** A sign-in link addressed to Auth.js's callback forwards, unused, to the "Continue" page (lib/auth/legacy-links.ts). */
export async function GET(request: Request): Promise<Response> {
  return forwardLegacyLink(request) ?? handlers.GET(request as NextRequest);
}

/**
 * Password sign-in happens only through the sign-in page's server action, which applies the limits and
 * audits every attempt (lib/auth/sign-in.ts); a sign-in link is used only by the POST of its "Continue"
 * page (lib/auth/link-sign-in.ts). Auth.js's own endpoints for those providers would skip all of that,
 * so they do not exist here.
 */
export async function POST(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (/\/(callback|signin)\/(credentials|link|nodemailer)\/?$/.test(path))
    return new Response('Not found', { status: 404 });
  return handlers.POST(request as NextRequest);
}
