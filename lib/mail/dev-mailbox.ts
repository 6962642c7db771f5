import 'server-only';
import { notFound } from 'next/navigation';
import { isDemo } from '@/lib/server/env';

/** The dev mailbox exists only in the demo (TOLLGATE_DEMO=1): anywhere else its pages are a 404. */
export function requireDevMailbox(): void {
  if (!isDemo()) notFound();
}

/** The links of a plain-text message, to click from the mailbox page. */
export function linksIn(text: string): string[] {
  return [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];
}

/** A message's HTML for the sandboxed viewer: its links open in the top window, not inside the frame. */
export const forViewer = (html: string) =>
  /<head>/i.test(html)
    ? html.replace(/<head>/i, '<head><base target="_top">')
    : `<base target="_top">${html}`;
