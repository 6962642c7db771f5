import 'server-only';
import { db } from '@/lib/server/db';
import { switchClient, type SwitchClient } from '@/lib/switch/client';
import { endAllowance } from './operations';
import { tickDeadline } from '@/lib/server/tick-budget';

/**
 * One pass of the allowance watcher (a worker, lib/workers/start.ts): for every account with an
 * allowance in force, reads `GET /v1/accounts/{n}` and ends each allowance the switch no longer
 * lists, because the switch expires them by itself (CONTRACTS §3). An allowance is never ended on
 * Tollgate's clock: one the switch lists is in force, whatever its `until` reads on Tollgate's
 * clock (the switch leaves expired ones out; a portal clock ahead of the switch's, by drift or a
 * jump, would otherwise end an allowance the switch still lets calls through, and a new block then
 * sent it no DELETE); an unreadable switch, or one whose answer has no `allowances` field, leaves
 * it as it is until the next pass. `now` (default the portal's clock) only names why one the switch
 * dropped ended: `expired` once its `until` has passed, else `ended_on_switch`. Returns how many
 * allowances ended.
 */
export async function watchAllowances(
  opts: { client?: SwitchClient; now?: () => Date; deadline?: () => boolean } = {},
): Promise<number> {
  const client = opts.client ?? switchClient({ retries: 0 });
  const active = await db.destinationAllowance.findMany({
    where: { status: 'active' },
    include: { account: { select: { number: true } } },
    orderBy: { until: 'asc' },
    take: 500,
  });
  const byAccount = new Map<string, typeof active>(); // Map.groupBy needs Node 21
  for (const a of active) byAccount.set(a.account.number, [...(byAccount.get(a.account.number) ?? []), a]);
  let ended = 0;
  // Within the tick's budget (lib/server/tick-budget.ts): accounts not reached are read next tick.
  const over = opts.deadline ?? tickDeadline();
  for (const [number, allowances] of byAccount) {
    if (over()) break;
    const state = await client.getAccount(number);
    if (!state.ok || state.value.allowances === undefined) continue;
    const now = (opts.now ?? (() => new Date()))();
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
