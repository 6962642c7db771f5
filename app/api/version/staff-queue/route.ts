import { accountNumberSchema } from '@/lib/accounts/identifiers';
import { currentUser } from '@/lib/auth/session';
import { isStaff } from '@/lib/auth/roles';
import { queueChangesSince } from '@/lib/requests/queue';
import { unavailable } from '@/lib/server/version-answer';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * How the queue changed since a page of it was read (lib/requests/queue.ts queueChangesSince):
 * `?since=<ms epoch>` and an optional `&account=ACC-…`; `200` QueueChanges, `{ unblock, allowance,
 * taken, takenCapped, released, releasedCapped }` (each kind `{ pending, arrived, capped,
 * arrivedCapped }`), one statement of index ranges. 401 signed out; 404 for anyone but staff with a
 * verified second factor (the staff area does not exist for them); 400 for a `since` or `account` it
 * cannot read; 503 when the database cannot answer. Never cached.
 */
export async function GET(request: Request): Promise<Response> {
  const user = await currentUser();
  if (!user) return Response.json({ error: 'unauthorized' }, { status: 401, headers: NO_STORE });
  if (!isStaff(user) || !user.mfaVerified)
    return Response.json({ error: 'not_found' }, { status: 404, headers: NO_STORE });
  const params = new URL(request.url).searchParams;
  const rawSince = params.get('since') ?? '';
  const since = /^\d{1,15}$/.test(rawSince) ? Number(rawSince) : NaN;
  const account = params.get('account');
  const readAccount = account === null ? null : accountNumberSchema.safeParse(account);
  if (Number.isNaN(since) || (readAccount && !readAccount.success))
    return Response.json({ error: 'bad_request' }, { status: 400, headers: NO_STORE });
  try {
    const changes = await queueChangesSince(user, new Date(since), readAccount?.data);
    return Response.json(changes, { headers: NO_STORE });
  } catch (e) {
    return unavailable(e);
  }
}
