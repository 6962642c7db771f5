import { isDemo } from '@/lib/server/env';
import { forViewer } from '@/lib/mail/dev-mailbox';
import { readMail } from '@/lib/mail/mailbox';

export const dynamic = 'force-dynamic';

/** Demo only: a message's HTML for the mailbox page's sandboxed frame (its CSP is set by proxy.ts). */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const m = isDemo() ? await readMail((await params).id) : null;
  if (!m)
    return new Response('Not found', {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  return new Response(forViewer(m.html), {
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
}
