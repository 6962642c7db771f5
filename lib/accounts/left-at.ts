import 'server-only';
import { db } from '@/lib/server/db';

/** Why someone who asked for something on an account no longer speaks for it (see leftAt). */
export type LeftWhy = 'removed' | 'disabled';

/**
 * When each of `left` stopped speaking for account `accountId`, from the audit log: the newest
 * `membership.removed` row of the login on this account for `why: 'removed'` (the operator's
 * remove-member), the newest `customer_user.disabled` one for `why: 'disabled'` (support's "Disable
 * login", written for each account the login is a member of). A map by user id; a login with no such
 * row (removed by hand in the database, or before the audit log kept it) is absent. One statement on
 * the audit log's (accountId, at) index; none when `left` is empty. For staff pages (not scoped).
 */
export async function leftAt(
  accountId: string,
  left: { userId: string; why: LeftWhy }[],
): Promise<Map<string, Date>> {
  if (!left.length) return new Map();
  const action = { removed: 'membership.removed', disabled: 'customer_user.disabled' } as const;
  const rows = await db.auditLog.findMany({
    where: { accountId, OR: left.map((l) => ({ targetId: l.userId, action: action[l.why] })) },
    orderBy: { at: 'desc' },
    select: { targetId: true, at: true },
  });
  const out = new Map<string, Date>();
  // Newest first: the first row of each login is its latest.
  for (const row of rows) if (row.targetId && !out.has(row.targetId)) out.set(row.targetId, row.at);
  return out;
}
