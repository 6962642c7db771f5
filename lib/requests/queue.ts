import 'server-only';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import { encodeCursor } from '@/lib/staff/cursor';
import { judge } from './evidence';

/**
 * Requests per queue page. A support desk works the oldest first and opens one at a time; 25 is what
 * ticket consoles show by default, and rendering 100 (130 KB of HTML and 240 KB of RSC payload) was
 * most of a /staff view's time (bench/README.md, "staff").
 */
export const QUEUE_PAGE = 25;
/**
 * The queue's total is counted up to this many (one index range on (status, createdAt) in index
 * order, LIMIT cap + 1); past it the page says "more than 10 000", so a fraud wave never makes
 * every view count every pending request.
 */
export const QUEUE_COUNT_CAP = 10_000;

// The misdial hint of a pending request is a pure function of evidence that does not change while it
// waits (its calls, what the customer wrote, the account's country and zone): judging it parses
// every trigger call with libphonenumber (≈ 0.3 ms a request), so each process judges a request once
// and keeps the answer, keyed by everything it reads. At most JUDGED_MAX entries, oldest dropped.
const JUDGED_MAX = 5000;
const judged = new Map<string, ReturnType<typeof judge>>();
function judgeOnce(r: Parameters<typeof judge>[0] & { id: string }, locale: string) {
  const key = JSON.stringify([
    locale,
    r.id,
    r.kind,
    r.intendedNumber,
    r.misdialCallIds,
    r.account.country,
    r.account.timeZone,
    r.block.reason,
    r.block.calls.map((c) => c.id),
  ]);
  let v = judged.get(key);
  if (!v) {
    v = judge(r, locale);
    judged.set(key, v);
    if (judged.size > JUDGED_MAX) judged.delete(judged.keys().next().value!);
  }
  return v;
}

/**
 * One page of pending unblock requests, oldest first (createdAt, then id), each with its evidence
 * summarised and judged. `after` is the decoded keyset cursor of the previous page (null = the
 * oldest page); `next` is the cursor of the following page or null. `opts.account` (an account
 * number, e.g. "ACC-1001") keeps only that account's requests (the (accountId, createdAt) index);
 * `opts.pageSize` defaults to QUEUE_PAGE. `total` counts the pending requests of the same filter up
 * to QUEUE_COUNT_CAP (`opts.countCap` overrides it, for tests); `capped` is true when there are more. Country names in the summaries are in
 * `locale` (the page's, BCP 47; default "en").
 * Throws (assertStaff) for a caller who is not staff.
 */
export async function listQueue(
  user: CurrentUser,
  after: { at: Date; id: string } | null = null,
  locale = 'en',
  opts: { account?: string; pageSize?: number; countCap?: number } = {},
) {
  assertStaff(user);
  const size = opts.pageSize ?? QUEUE_PAGE;
  const cap = opts.countCap ?? QUEUE_COUNT_CAP;
  const where = {
    status: 'pending' as const,
    ...(opts.account ? { account: { number: opts.account } } : {}),
  };
  const [rows, counted] = await Promise.all([
    db.unblockRequest.findMany({
      where: {
        ...where,
        // The first condition keeps it an index range on (status, createdAt); the OR breaks ties.
        ...(after
          ? { createdAt: { gte: after.at }, OR: [{ createdAt: { gt: after.at } }, { id: { gt: after.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: size + 1,
      include: {
        account: { select: { number: true, name: true, country: true, timeZone: true } },
        block: {
          select: { id: true, reason: true, status: true, calls: { orderBy: { at: 'asc' }, take: 200 } },
        },
      },
    }),
    // Ordered by createdAt so that the LIMIT walks the (status, createdAt) index range: without an
    // order Prisma orders a counted `take` by id, and SQLite then scanned every request ever made in
    // id order (its primary-key index) to find the pending ones (bench/README.md, "staff").
    db.unblockRequest.count({ where, orderBy: { createdAt: 'asc' }, take: cap + 1 }),
  ]);
  const now = Date.now();
  const items = rows.slice(0, size).map((r) => {
    const { summary, likelihood } = judgeOnce(r, locale);
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
  const last = items[items.length - 1];
  const next = rows.length > size && last ? encodeCursor([last.createdAt, last.id]) : null;
  const capped = counted > cap;
  return { items, total: capped ? cap : counted, capped, shown: items.length, next };
}

export type QueueItem = Awaited<ReturnType<typeof listQueue>>['items'][number];
