import 'server-only';
import { currentUser, secondFactorPending, type CurrentUser } from '@/lib/auth/session';
import { versionOf } from '@/lib/server/version';

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * The answer of a `/api/version/…` route: `200 { version }` with the fingerprint (versionOf) of what
 * `read` returns for the signed-in user; `401` with no session, or one that has not passed its
 * second factor (it may read nothing: lib/auth/session.ts secondFactorPending); `404` when `read`
 * returns null (not one of the caller's: the same answer as for an id that does not exist). Never
 * cached. The page's AutoRefresh re-renders on any answer but an equal version (components/refresh-loop.ts).
 */
export async function versionAnswer(read: (user: CurrentUser) => Promise<unknown>): Promise<Response> {
  const user = await currentUser();
  if (!user || secondFactorPending(user))
    return Response.json({ error: 'unauthorized' }, { status: 401, headers: NO_STORE });
  const data = await read(user);
  if (data === null) return Response.json({ error: 'not_found' }, { status: 404, headers: NO_STORE });
  return Response.json({ version: versionOf(data) }, { headers: NO_STORE });
}
