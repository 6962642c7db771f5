import { currentUser } from '@/lib/auth/session';
import { isStaff } from '@/lib/auth/roles';
import { readWatchQuery, requestChangeSince } from '@/lib/requests/watch';
import { unavailable } from '@/lib/server/version-answer';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * Whether an unblock request is still as its staff page shows it (lib/requests/watch.ts
 * requestChangeSince), asked by the page's watch (components/staff/request-watch.tsx) while the
 * request waits: `?seen=<mark>&back=<id>&known=<mark>` (readWatchQuery); `200 { mark, change }` (or
 * `{ mark, same: true }`). Authorized as the queue's watch (/api/version/staff-queue): 401 signed out;
 * 404 for anyone but staff with a verified second factor (the staff area does not exist for them), and
 * for an unknown request; 400 for a query it cannot read; 503 when the database cannot answer. Never
 * cached.
 */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const user = await currentUser();
  if (!user) return Response.json({ error: 'unauthorized' }, { status: 401, headers: NO_STORE });
  if (!isStaff(user) || !user.mfaVerified)
    return Response.json({ error: 'not_found' }, { status: 404, headers: NO_STORE });
  const { id } = await params;
  const query = readWatchQuery(new URL(request.url).searchParams);
  if (!query || id.length > 64)
    return Response.json({ error: 'bad_request' }, { status: 400, headers: NO_STORE });
  try {
    const answer = await requestChangeSince(user, id, query);
    if (!answer) return Response.json({ error: 'not_found' }, { status: 404, headers: NO_STORE });
    return Response.json(answer, { headers: NO_STORE });
  } catch (e) {
    return unavailable(e);
  }
}
