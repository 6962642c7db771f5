import 'server-only';
import { db } from '@/lib/server/db';
import type { BlockReason, BlockStatus } from '@/lib/generated/sqlite/enums';

/** Scope clause: the account is one of the user's (STYLE.md: authorize inside the query). */
export const memberOf = (userId: string) => ({ memberships: { some: { userId } } });

export type AccountSummary = {
  id: string;
  number: string;
  name: string;
  activeBlock: { id: string; reason: BlockReason; status: BlockStatus; placedAt: Date } | null;
  credentials: {
    id: string;
    username: string;
    label: string;
    passwordChangedAt: Date | null;
    passwordScore: number | null;
  }[];
};

const OPEN: BlockStatus[] = ['active', 'lift_pending'];

const include = {
  blocks: { where: { status: { in: OPEN } }, orderBy: { placedAt: 'desc' as const }, take: 1 },
  sipCredentials: { orderBy: { username: 'asc' as const } },
};

type Row = NonNullable<Awaited<ReturnType<typeof findOne>>>;
const findOne = (userId: string, number: string) =>
  db.customerAccount.findFirst({ where: { number, ...memberOf(userId) }, include });

export async function listAccountsForUser(userId: string): Promise<AccountSummary[]> {
  const rows = await db.customerAccount.findMany({
    where: memberOf(userId),
    orderBy: { number: 'asc' },
    include,
  });
  return rows.map(toSummary);
}

/** One of the user's accounts by number, or null (the caller answers 404 either way). */
export async function getAccountForUser(userId: string, number: string): Promise<AccountSummary | null> {
  const row = await findOne(userId, number);
  return row ? toSummary(row) : null;
}

function toSummary(a: Row): AccountSummary {
  return {
    id: a.id,
    number: a.number,
    name: a.name,
    activeBlock: a.blocks[0]
      ? {
          id: a.blocks[0].id,
          reason: a.blocks[0].reason,
          status: a.blocks[0].status,
          placedAt: a.blocks[0].placedAt,
        }
      : null,
    credentials: a.sipCredentials.map((c) => ({
      id: c.id,
      username: c.username,
      label: c.label,
      passwordChangedAt: c.passwordChangedAt,
      passwordScore: c.passwordScore,
    })),
  };
}

/** What staff see of an account's people and phones: the `include` that loads it, and its view. */
export const staffAccountInclude = {
  memberships: { include: { user: { select: { email: true, name: true } } } },
  sipCredentials: { orderBy: { username: 'asc' as const } },
};

/**
 * An account as the staff pages show it (the request page and the account page): number, name,
 * country, time zone, members by email, and SIP credentials without any secret.
 */
export function staffAccountView(a: {
  id: string;
  number: string;
  name: string;
  country: string;
  timeZone: string;
  memberships: { user: { email: string; name: string | null } }[];
  sipCredentials: { username: string; label: string; passwordChangedAt: Date | null }[];
}) {
  return {
    id: a.id,
    number: a.number,
    name: a.name,
    country: a.country,
    timeZone: a.timeZone,
    members: a.memberships.map((m) => ({ email: m.user.email, name: m.user.name })),
    credentials: a.sipCredentials.map((c) => ({
      username: c.username,
      label: c.label,
      passwordChangedAt: c.passwordChangedAt,
    })),
  };
}
