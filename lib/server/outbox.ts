import 'server-only';
import crypto from 'node:crypto';
import os from 'node:os';
import { sharedNow } from '@/lib/server/clock';
import { tickDeadline } from '@/lib/server/tick-budget';
import { cutWhole } from '@/lib/server/control-characters';

// The one outbox runner: claim a due row with a lease, hand it to the outbox's own sender, put it
// back with a jittered backoff. Used by the switch outbox (lib/switch/outbox.ts) and the mail outbox
// (lib/mail/worker.ts); what a row means and what an answer does stays with them. Several instances
// may run both at once: a row is held by one lease owner at a time, and a lease that runs out (a
// crashed worker) frees the row for the next claim. Decision 003 says why this runs in the web process.
// Leases and due times are on the shared clock (lib/server/clock.ts): an instance whose clock runs
// minutes ahead would otherwise see every other instance's lease as run out, and send its row again.

/** This process's name as a lease owner: `host:pid:random`, so two processes never share one. */
export const WORKER_ID = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;

/**
 * Delay before attempt `attempts + 1`, in ms: exponential from `baseMs`, capped at `maxMs`, with
 * "equal jitter" (half fixed, half random), so a retry never comes at once and many rows failed
 * together do not come back together. `attempts` is capped at 16 doublings.
 */
export function backoffMs(
  attempts: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempts, 16));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

type Filter = Record<string, unknown>;

/**
 * What the runner needs of an outbox table: Prisma's `findMany` and `updateMany` on a model with
 * `id`, `status` ('pending' | 'done' | 'failed'), `nextAttemptAt`, `leaseOwner` and `leaseUntil`.
 */
export type OutboxTable<Row extends { id: string }> = {
  findMany(args: { where: Filter; orderBy: { nextAttemptAt: 'asc' }; take: number }): Promise<Row[]>;
  updateMany(args: { where: Filter; data: Filter }): Promise<{ count: number }>;
};

const free = (now: Date) => ({ status: 'pending', OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] });

/**
 * Claims one due row for `owner` (pending, due by `now`, default the shared clock's now; no live
 * lease) with a lease of `leaseMs`,
 * or returns null when none is due. Safe under concurrent workers: the claim is a conditional update,
 * and a row another worker took in between is skipped. `countAttempt` adds 1 to `attempts` on claim
 * (the switch outbox counts claims: a claimed operation may have reached the switch).
 */
export async function claimDue<Row extends { id: string }>(
  table: OutboxTable<Row>,
  owner: string,
  leaseMs: number,
  opts: { now?: Date; countAttempt?: boolean } = {},
): Promise<Row | null> {
  const now = opts.now ?? sharedNow();
  const due = await table.findMany({
    where: { ...free(now), nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: 'asc' },
    take: 5,
  });
  for (const row of due) {
    const data: Filter = { leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) };
    if (opts.countAttempt) data.attempts = { increment: 1 };
    const claim = await table.updateMany({ where: { id: row.id, ...free(now) }, data });
    if (claim.count === 1) return row;
  }
  return null;
}

/**
 * Claims and handles due rows one at a time until none is due, `max` were handled, or `over()` says
 * the tick's budget is spent (default TICK_BUDGET_MS, lib/server/tick-budget.ts: the rest stays due
 * for the next tick); returns how many `handle` reported as done (true).
 */
export async function drain<Row>(
  claim: () => Promise<Row | null>,
  handle: (row: Row) => Promise<boolean>,
  max = 50,
  over: () => boolean = tickDeadline(),
): Promise<number> {
  let done = 0;
  for (let i = 0; i < max && !over(); i++) {
    const row = await claim();
    if (!row) break;
    if (await handle(row)) done++;
  }
  return done;
}

/**
 * Puts a still-pending row back for a later attempt in `delayMs`, releasing its lease and keeping
 * `error` (cut to 500 characters) for support. With `owner`, only while that owner still holds the
 * lease: a worker that lost its lease must not reschedule a row someone else is sending. `data` adds
 * the outbox's own columns. Returns whether the row was rescheduled.
 */
export async function reschedule(
  table: Pick<OutboxTable<{ id: string }>, 'updateMany'>,
  id: string,
  opts: { delayMs: number; error: string; owner?: string; data?: Filter },
): Promise<boolean> {
  const where: Filter = { id, status: 'pending' };
  if (opts.owner) where.leaseOwner = opts.owner;
  const r = await table.updateMany({
    where,
    data: {
      ...opts.data,
      nextAttemptAt: new Date(sharedNow().getTime() + opts.delayMs),
      leaseOwner: null,
      leaseUntil: null,
      lastError: cutWhole(opts.error, 500),
    },
  });
  return r.count === 1;
}
