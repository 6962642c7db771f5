import 'server-only';
import { memberOf } from '@/lib/accounts/queries';
import { db } from '@/lib/server/db';
import type { BlockReason, BlockStatus } from '@/lib/generated/sqlite/enums';

/** A block's own fields as the staff pages show them (placedBy included: staff may see the agent). */
export function staffBlockView(b: {
  id: string;
  reason: BlockReason;
  status: BlockStatus;
  placedAt: Date;
  placedBy: string;
  liftedAt: Date | null;
  note: string | null;
}) {
  const { id, reason, status, placedAt, placedBy, liftedAt, note } = b;
  return { id, reason, status, placedAt, placedBy, liftedAt, note };
}

/** One trigger call as every page shows it (the customer's block page and the staff request page). */
export function callView(c: {
  id: string;
  at: Date;
  sipUsername: string;
  to: string;
  sourceIp: string;
  durationSec: number;
}) {
  return {
    id: c.id,
    at: c.at,
    sipUsername: c.sipUsername,
    to: c.to,
    sourceIp: c.sourceIp,
    durationSec: c.durationSec,
  };
}

/** A block of one of the user's accounts with everything its page shows, or null (→ 404). */
export async function getBlockForUser(userId: string, blockId: string) {
  const block = await db.block.findFirst({
    where: { id: blockId, account: memberOf(userId) },
    include: {
      account: { include: { sipCredentials: { orderBy: { username: 'asc' } } } },
      calls: { orderBy: { at: 'asc' } },
      events: { orderBy: { at: 'asc' } },
      requests: { orderBy: { createdAt: 'desc' } },
    },
  });
  if (!block) return null;
  // The switch keeps one state per account: "allowed" is only true when no other block is open.
  const otherOpen = await db.block.findFirst({
    where: { accountId: block.accountId, id: { not: block.id }, status: { in: ['active', 'lift_pending'] } },
    select: { id: true },
    orderBy: { placedAt: 'desc' },
  });
  const named = [...new Set(block.calls.map((c) => c.sipUsername))];
  const credentials = block.account.sipCredentials.map((c) => ({
    id: c.id,
    username: c.username,
    label: c.label,
    passwordChangedAt: c.passwordChangedAt,
    passwordScore: c.passwordScore,
    named: named.includes(c.username),
    rotatedSinceBlock: c.passwordChangedAt !== null && c.passwordChangedAt > block.placedAt,
  }));
  return {
    id: block.id,
    reason: block.reason,
    status: block.status,
    placedAt: block.placedAt,
    liftedAt: block.liftedAt,
    note: block.note,
    account: {
      id: block.account.id,
      number: block.account.number,
      name: block.account.name,
      country: block.account.country,
    },
    calls: block.calls.map(callView),
    // Customers learn whether fraud monitoring or support placed the block, never which agent.
    events: block.events.map((e) => ({
      id: e.id,
      type: e.type,
      at: e.at,
      detail: e.detail,
      actor: e.type === 'placed' ? (e.actor === 'switch' ? 'switch' : 'support') : null,
    })),
    requests: block.requests.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      createdAt: r.createdAt,
      decidedAt: r.decidedAt,
      denyReason: r.denyReason,
    })),
    credentials,
    otherOpenBlockId: otherOpen?.id ?? null,
    /** Credentials named in the trigger calls that are not SIP credentials of this account (e.g. IP-authenticated trunks). */
    unknownNames: named.filter((n) => !block.account.sipCredentials.some((c) => c.username === n)),
  };
}

export type BlockView = NonNullable<Awaited<ReturnType<typeof getBlockForUser>>>;

/** A block of the account still in force, as a decision form lists it: a lift is account-wide. */
export type OtherBlockDto = { id: string; reason: string; placedAt: string; calls: number };

/** Blocks of the account in force besides `blockId`, oldest first. Staff pages only (after requireStaff). */
export async function otherBlocksInForce(accountId: string, blockId: string): Promise<OtherBlockDto[]> {
  const rows = await db.block.findMany({
    where: { accountId, id: { not: blockId }, status: 'active' },
    select: { id: true, reason: true, placedAt: true, _count: { select: { calls: true } } },
    orderBy: { placedAt: 'asc' },
  });
  return rows.map((b) => ({
    id: b.id,
    reason: b.reason,
    placedAt: b.placedAt.toISOString(),
    calls: b._count.calls,
  }));
}

/** Accounts the reconciler found out of sync with the switch that staff have not resolved yet, oldest first. */
export async function openSyncIssues(limit = 100) {
  const [total, rows] = await Promise.all([
    db.syncIssue.count({ where: { resolvedAt: null } }),
    db.syncIssue.findMany({
      where: { resolvedAt: null },
      orderBy: { detectedAt: 'asc' },
      take: limit,
      include: { account: { select: { number: true, name: true } } },
    }),
  ]);
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      detectedAt: r.detectedAt,
      portalState: r.portalState,
      switchState: r.switchState,
      action: r.action,
      detail: r.detail,
      account: r.account,
    })),
  };
}
