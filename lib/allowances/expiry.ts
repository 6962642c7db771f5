import 'server-only';
import { db } from '@/lib/server/db';
import { switchClient, type SwitchClient } from '@/lib/switch/client';
import { switchQuietMs } from '@/lib/switch/quiet';
import { answersAccountReads } from '@/lib/switch/answered';
import {
  endAllowance,
  refusedEndsRecorded,
  settleRefusedEnd,
  standingRefusedEnds,
  type StandingRefusedEnd,
} from './operations';
import { tickDeadline } from '@/lib/server/tick-budget';

/** An allowance this close to its `until` (ms), or past it, has its account read on every pass. */
export const NEAR_UNTIL_MS = 60_000;
/** Every account with an allowance in force is read at least this often (ms), whatever its `until`. */
export const WATCH_EVERY_MS = 15_000;

// When this process last read each watched account (ms on the `now` the passes are given), so that
// an allowance far from its `until` is read every 15 s, not on every 3-second pass. Per process:
// another instance keeps its own, and a restart reads every account at its first pass.
const lastRead = new Map<string, number>();

// The standing refused ends (standingRefusedEnds) this process last read, when (ms on the passes'
// `now`) and at which refusedEndsRecorded(): read once per WATCH_EVERY_MS, not on every 3-second pass,
// since an account with one is read no more often than that, and at once after this process records a
// new one. Each read walks every failed change the outbox keeps (RETENTION_DAYS of refused lifts and
// grants in a fraud wave) to find the rare refused removal among them. One settled meanwhile is
// skipped by settleRefusedEnd (the op must still be `failed`); one another instance recorded is read
// within WATCH_EVERY_MS, when its account would be due anyway.
let refusalsRead: { at: number; recorded: number; list: StandingRefusedEnd[] } | null = null;

/**
 * One pass of the allowance watcher (a worker, lib/server/workers.ts): reads `GET /v1/accounts/{n}`
 * for each account with an allowance in force that is due, and ends each allowance the switch no
 * longer lists, because the switch expires them by itself (CONTRACTS §3). Due: an allowance within
 * NEAR_UNTIL_MS of its `until` or past it (its end is expected: read on every pass, so the page and
 * the emails follow the switch within a pass), or an account not read by this process for
 * WATCH_EVERY_MS (an end the switch made before `until`, by its own staff or a clock ahead of ours,
 * is seen within 15 s, as the customer's page promises nothing later). Before 2026-12-05 every account was read on every pass, up to 500 GETs
 * every 3 s for as long as allowances lasted. While the switch has asked this instance for quiet
 * (lib/switch/quiet.ts: a 429 or 503 with Retry-After) nothing is read; the accounts stay due.
 *
 * An allowance is never ended on Tollgate's clock: one the switch lists is in force, whatever its
 * `until` reads on Tollgate's clock (the switch leaves expired ones out; a portal clock ahead of the
 * switch's, by drift or a jump, would otherwise end an allowance the switch still lets calls through,
 * and a new block then sent it no DELETE); an unreadable switch, or one whose answer has no
 * `allowances` field, leaves it as it is until the next pass (its account stays due). `now` (default
 * the portal's clock) decides what is due and names why one the switch dropped ended: `expired` once
 * its `until` has passed, else `ended_on_switch`. Returns how many allowances ended.
 *
 * The same reads follow removals the switch refused (standingRefusedEnds, since 2026-12-06): an
 * account with one is due as one with an allowance in force far from its `until` (every
 * WATCH_EVERY_MS; the refusals themselves are read once per WATCH_EVERY_MS), and a GET that no longer
 * lists the allowance settles the refusal
 * (settleRefusedEnd): both pages then say "Ended", not "the switch may still have it", which before
 * stood until a person resolved it, after the switch's engineers had removed it.
 */
export async function watchAllowances(
  opts: { client?: SwitchClient; now?: () => Date; deadline?: () => boolean } = {},
): Promise<number> {
  const client = opts.client ?? switchClient({ retries: 0 });
  const clock = opts.now ?? (() => new Date());
  const active = await db.destinationAllowance.findMany({
    where: { status: 'active' },
    include: { account: { select: { number: true } } },
    orderBy: { until: 'asc' },
    take: 500,
  });
  const byAccount = new Map<string, typeof active>(); // Map.groupBy needs Node 21
  for (const a of active) byAccount.set(a.account.number, [...(byAccount.get(a.account.number) ?? []), a]);
  const refusals = new Map<string, StandingRefusedEnd[]>();
  const startMs = clock().getTime();
  const recorded = refusedEndsRecorded();
  let read = refusalsRead;
  if (!read || read.recorded !== recorded || startMs - read.at >= WATCH_EVERY_MS || startMs < read.at)
    read = refusalsRead = { at: startMs, recorded, list: await standingRefusedEnds(clock()) };
  for (const r of read.list) {
    refusals.set(r.accountNumber, [...(refusals.get(r.accountNumber) ?? []), r]);
    if (!byAccount.has(r.accountNumber)) byAccount.set(r.accountNumber, []);
  }
  for (const number of lastRead.keys()) if (!byAccount.has(number)) lastRead.delete(number);
  let ended = 0;
  // Within the tick's budget (lib/server/tick-budget.ts): accounts not reached are read next tick.
  const over = opts.deadline ?? tickDeadline();
  for (const [number, allowances] of byAccount) {
    if (!isDue(number, allowances, clock().getTime())) continue;
    if (over() || switchQuietMs() > 0) break;
    const state = await client.getAccount(number);
    // Any answer of the switch counts as a read (WATCH_EVERY_MS): an account whose answer cannot tell
    // (no `allowances`, how a refusal with no end arises) is not read again on every 3-second pass.
    if (state.ok || state.kind === 'not_found') lastRead.set(number, clock().getTime());
    // No such account on the switch: no allowance there either, as a refused DELETE reads it
    // (operations.ts refusedDelete). Its refusals are settled; an allowance in force is left to a read.
    // Only from a switch that answers account reads (lib/switch/answered.ts): a wrong SWITCH_API_URL
    // answers 404 for every account, and a refusal it settled would read "Ended" on both pages.
    if (!state.ok && state.kind === 'not_found' && answersAccountReads())
      for (const r of refusals.get(number) ?? []) await settleRefusedEnd(r, clock());
    if (!state.ok || state.value.allowances === undefined) continue;
    const now = clock();
    // First the refusals, so that one of an allowance in force the same read no longer lists is
    // settled before the allowance ends below.
    for (const r of refusals.get(number) ?? [])
      if (!state.value.allowances.some((x) => x.country === r.country)) await settleRefusedEnd(r, now);
    for (const a of allowances) {
      const listed = state.value.allowances.find((x) => x.country === a.country);
      if (listed) {
        // The switch's `until` is the truth (another grant may have extended it).
        if (a.until?.toISOString() !== new Date(listed.until).toISOString())
          await db.destinationAllowance.updateMany({
            where: { id: a.id, status: 'active' },
            data: { until: new Date(listed.until) },
          });
        continue;
      }
      const expired = a.until !== null && a.until.getTime() <= now.getTime();
      if (await endAllowance(a.id, expired ? 'expired' : 'ended_on_switch')) ended++;
    }
  }
  return ended;
}

/** Whether the account of `allowances` is read on this pass (see watchAllowances), at `nowMs`. */
function isDue(number: string, allowances: { until: Date | null }[], nowMs: number): boolean {
  const read = lastRead.get(number);
  if (read === undefined || nowMs - read >= WATCH_EVERY_MS || nowMs < read) return true;
  return allowances.some((a) => a.until === null || a.until.getTime() - nowMs <= NEAR_UNTIL_MS);
}
