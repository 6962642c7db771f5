import 'server-only';
import { displayEmail } from '@/lib/auth/email-address';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import type { Prisma } from '@/lib/generated/sqlite/client';
import { claimInForce } from '@/lib/requests/claim-columns';
import type { QueueTaken } from '@/lib/requests/queue-filter';
import { sharedNow } from '@/lib/server/clock';
import { db } from '@/lib/server/db';

// One account's queue (`/staff?account=ACC-…`) is where a search hit leads an agent finding a caller:
// it lists the account's waiting allowance requests as well as its unblock requests (until 2026-12-07
// it listed only the unblock requests, and said "No requests are waiting" of an account whose
// allowance request waited). The whole queue's allowance list is lib/allowances/queries.ts
// pendingAllowanceRequests; an account has at most one waiting request per country, so its own list
// is one read of the (accountId, status) index, not a paged one.

/** How many of an account's waiting allowance requests are listed at most (the oldest). */
export const ACCOUNT_ALLOWANCES_SHOWN = 25;

/** One waiting allowance request of the account, as its queue shows it (the whole queue's item shape). */
export type AccountAllowanceItem = {
  id: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  hours: number;
  createdAt: Date;
  account: { number: string; name: string };
  /** Who holds it now (lib/allowances/claim.ts): `by` their address as displayEmail shows it; or null. */
  claim: { by: string; mine: boolean; since: Date; until: Date } | null;
};

/**
 * The queue's "Taken" filter (lib/requests/queue-filter.ts) on allowance requests, for the reader
 * `userId` at `now`, as the whole queue's allowance list reads it: `no`, nobody holds it (never taken,
 * released, or its claim lapsed: `claimedUntil` at or before `now`); `mine`; `yes`; absent, all.
 */
function takenWhere(
  taken: QueueTaken | undefined,
  userId: string,
  now: Date,
): Prisma.DestinationAllowanceWhereInput {
  if (taken === 'no')
    return { OR: [{ claimedById: null }, { claimedUntil: null }, { claimedUntil: { lte: now } }] };
  if (taken === 'yes') return { claimedById: { not: null }, claimedUntil: { gt: now } };
  if (taken === 'mine') return { claimedById: userId, claimedUntil: { gt: now } };
  return {};
}

/**
 * The allowance requests of the account numbered `number` still waiting for a callback (`requested`),
 * of the queue's `taken` filter, oldest first (createdAt, then id): at most ACCOUNT_ALLOWANCES_SHOWN as
 * `items` (AccountAllowanceItem), `total` counting every one (an account has at most one per
 * country). None for an unknown number. Three reads at most, none per request: the page and the count
 * on the (accountId, status) index, and the holders' addresses in one. Throws (assertStaff) for a
 * caller who is not staff.
 */
export async function accountAllowanceRequests(
  user: CurrentUser | null,
  number: string,
  taken?: QueueTaken,
): Promise<{ items: AccountAllowanceItem[]; total: number }> {
  assertStaff(user);
  const now = sharedNow();
  const where = { account: { number }, status: 'requested', ...takenWhere(taken, user.id, now) };
  const [rows, total] = await Promise.all([
    db.destinationAllowance.findMany({
      where,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: ACCOUNT_ALLOWANCES_SHOWN,
      select: {
        id: true,
        country: true,
        hours: true,
        createdAt: true,
        claimedById: true,
        claimedAt: true,
        claimedUntil: true,
        account: { select: { number: true, name: true } },
      },
    }),
    db.destinationAllowance.count({ where }),
  ]);
  const held = new Map(rows.map((r) => [r.id, claimInForce(r, now)]));
  const holders = [...new Set([...held.values()].flatMap((h) => (h ? [h.byId] : [])))];
  const emails = holders.length
    ? new Map(
        (await db.user.findMany({ where: { id: { in: holders } }, select: { id: true, email: true } })).map(
          (u) => [u.id, u.email],
        ),
      )
    : new Map<string, string>();
  const items = rows.map((r) => {
    const h = held.get(r.id);
    return {
      id: r.id,
      country: r.country,
      hours: r.hours,
      createdAt: r.createdAt,
      account: r.account,
      claim: h
        ? {
            by: displayEmail(emails.get(h.byId) ?? h.byId),
            mine: h.byId === user.id,
            since: h.since,
            until: h.until,
          }
        : null,
    };
  });
  return { items, total };
}
