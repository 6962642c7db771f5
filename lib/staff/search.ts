import 'server-only';
import type { CurrentUser } from '@/lib/auth/session';
import { db, isPostgres } from '@/lib/db';
import { assertStaff } from './authz';

// Case-insensitive on both databases: SQLite's LIKE already ignores ASCII case, PostgreSQL needs
// `mode: 'insensitive'` (ILIKE), which the SQLite client refuses, so it is added only there.
const contains = (v: string) => (isPostgres() ? { contains: v, mode: 'insensitive' } : { contains: v }) as { contains: string };

/** Accounts whose number, company name, member email or SIP username contains the query. */
export async function searchAccounts(user: CurrentUser, raw: string) {
  assertStaff(user);
  const q = raw.trim().slice(0, 100);
  if (q.length < 2) return [];
  const rows = await db.customerAccount.findMany({
    where: {
      OR: [
        { number: contains(q) },
        { name: contains(q) },
        { memberships: { some: { user: { email: contains(q) } } } },
        { sipCredentials: { some: { username: contains(q) } } },
      ],
    },
    orderBy: { number: 'asc' },
    take: 25,
    include: {
      blocks: { where: { status: { in: ['active', 'lift_pending'] } }, select: { id: true, status: true, reason: true }, take: 1, orderBy: { placedAt: 'desc' } },
      memberships: { select: { user: { select: { email: true } } }, take: 5 },
      sipCredentials: { select: { username: true }, take: 10 },
      _count: { select: { requests: { where: { status: 'pending' } } } },
    },
  });
  return rows.map((a) => ({
    number: a.number, name: a.name,
    openBlock: a.blocks[0] ?? null,
    members: a.memberships.map((m) => m.user.email),
    usernames: a.sipCredentials.map((c) => c.username),
    pendingRequests: a._count.requests,
  }));
}

export type SearchHit = Awaited<ReturnType<typeof searchAccounts>>[number];
