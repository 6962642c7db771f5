import 'server-only';
import { currentUser, secondFactorPending, type CurrentUser } from '@/lib/auth/session';
import { versionOf } from '@/lib/server/version';
import { errorForLog, log } from '@/lib/server/log';

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * The answer of a `/api/version/…` route: `200 { version }` with the fingerprint (versionOf) of what
 * `read` returns for the signed-in user; `401` with no session, or one that has not passed its
 * second factor (it may read nothing: lib/auth/session.ts secondFactorPending); `404` when `read`
 * returns null (not one of the caller's: the same answer as for an id that does not exist). Never
 * cached; 503 when the read fails (unavailable). The page's AutoRefresh re-renders on another version
 * or a refusal (components/refresh-loop.ts).
 */
export async function versionAnswer(read: (user: CurrentUser) => Promise<unknown>): Promise<Response> {
  const user = await currentUser();
  if (!user || secondFactorPending(user))
    return Response.json({ error: 'unauthorized' }, { status: 401, headers: NO_STORE });
  let data: unknown;
  try {
    data = await read(user);
  } catch (e) {
    return unavailable(e);
  }
  if (data === null) return Response.json({ error: 'not_found' }, { status: 404, headers: NO_STORE });
  return Response.json({ version: versionOf(data) }, { headers: NO_STORE });
}

/**
 * The answer of a `/api/version/…` route whose read failed (the database away or too slow): `503
 * { error: 'unavailable' }`, logged as a warning with the error, never a bare 500. The page keeps
 * what it shows and asks again at its next check (components/refresh-loop.ts pageChanged).
 */
export function unavailable(e: unknown): Response {
  log().warn({ err: errorForLog(e) }, 'page version unavailable');
  return Response.json(
    { error: 'unavailable' },
    { status: 503, headers: { ...NO_STORE, 'retry-after': '5' } },
  );
}
