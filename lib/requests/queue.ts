import 'server-only';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import { judge } from './evidence';

const PAGE = 100;

/** Pending unblock requests, oldest first, each with its evidence summarised and judged. */
export async function listQueue(user: CurrentUser) {
  assertStaff(user);
  const [rows, total] = await Promise.all([
    db.unblockRequest.findMany({
      where: { status: 'pending' },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: PAGE,
      include: {
        account: { select: { number: true, name: true, country: true, timeZone: true } },
        block: {
          select: { id: true, reason: true, status: true, calls: { orderBy: { at: 'asc' }, take: 200 } },
        },
      },
    }),
    db.unblockRequest.count({ where: { status: 'pending' } }),
  ]);
  const now = Date.now();
  const items = rows.map((r) => {
    const { summary, likelihood } = judge(r);
    return {
      id: r.id,
      kind: r.kind,
      createdAt: r.createdAt,
      ageSec: Math.max(0, Math.round((now - r.createdAt.getTime()) / 1000)),
      account: { number: r.account.number, name: r.account.name },
      block: { id: r.block.id, reason: r.block.reason, status: r.block.status },
      summary,
      likelihood,
    };
  });
  return { items, total, shown: items.length };
}

export type QueueItem = Awaited<ReturnType<typeof listQueue>>['items'][number];
