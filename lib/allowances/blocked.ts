import 'server-only';
import type { Tx } from '@/lib/server/db';

/**
 * Whether the account is blocked in the portal now: a block `active` or `lift_pending` (the switch
 * has not confirmed the lift yet). A destination allowance only means something while this holds:
 * it is granted only then (decide.ts), its end is emailed only then (operations.ts), and the block
 * page shows it in force with a countdown only then (queries.ts). `tx` is the Prisma client or a
 * transaction; `accountId` a CustomerAccount id.
 */
export async function accountBlocked(tx: Pick<Tx, 'block'>, accountId: string): Promise<boolean> {
  return (await tx.block.count({ where: { accountId, status: { in: ['active', 'lift_pending'] } } })) > 0;
}

/**
 * The id of the account's newest block in force (`active` or `lift_pending`, latest `placedAt`), or
 * null. An allowance is an exception to this block only: approval needs the request's block to be
 * it (decide.ts), and a request asked from an earlier block's page, still in force beside it, is
 * filed under it (request.ts). `tx` is the Prisma client or a transaction.
 */
export async function latestBlockInForce(tx: Pick<Tx, 'block'>, accountId: string): Promise<string | null> {
  const block = await tx.block.findFirst({
    where: { accountId, status: { in: ['active', 'lift_pending'] } },
    orderBy: { placedAt: 'desc' },
    select: { id: true },
  });
  return block?.id ?? null;
}
