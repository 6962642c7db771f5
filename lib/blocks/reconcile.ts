import 'server-only';
import { db } from '@/lib/server/db';
import { env } from '@/lib/server/env';
import { sharedNow } from '@/lib/server/clock';
import { tickDeadline } from '@/lib/server/tick-budget';
import { switchClient, type SwitchClient } from '@/lib/switch/client';
import { switchQuietMs } from '@/lib/switch/quiet';
import { answersAccountReads } from '@/lib/switch/answered';
import { lockAccount } from '@/lib/server/db/lock';
import { storeNote } from '@/lib/i18n/stored';
import { audit } from '@/lib/audit/log';
import { log } from '@/lib/server/log';
import { openSyncIssue, reconcileAccount, type Reconciled } from './lifecycle';

/** Accounts with a change in this window are compared with the switch on every pass. */
const RECENT_MS = 7 * 24 * 3600_000;
/** Every account is compared with the switch at least once in this period, however quiet (the sweep). */
export const SWEEP_PERIOD_MS = 24 * 3600_000;
/** The fewest quiet accounts one pass sweeps. */
const SWEEP_MIN = 10;

/**
 * One reconciliation pass (issue 10, docs/switch-api.md "Reconciliation"): reads
 * `GET /v1/accounts/{n}` for every account with an open block, a pending switch operation, a change
 * in the last 7 days, or an uncertain outcome (`reconcileDue`), least recently checked first, at most
 * `limit` accounts; `lib/blocks/lifecycle.ts` decides what a difference means. An account the switch
 * cannot answer for keeps `reconcileDue` and is tried on the next pass. A block in force that the
 * switch allows is placed again only when a later pass, at least `differenceWaitMs` (default half of
 * RECONCILE_INTERVAL_MS, so several worker instances still wait for a whole pass) after the first
 * sighting, finds the same. Returns a count per outcome.
 *
 * The sweep: each pass also reads the quiet accounts least recently compared (never compared first),
 * as many as it takes to read every account once per SWEEP_PERIOD_MS at RECONCILE_INTERVAL_MS (at
 * least SWEEP_MIN): 70 a pass at 100,000 accounts and 60 s. An event the switch never delivered (a
 * sender that gave up during a long portal outage, a switch restored from a backup) leaves no trace
 * the passes above could follow; the sweep still finds its difference within a day, and a new
 * account at the next pass. A swept account the switch does not know (404) is noted as compared, so
 * it does not hold the sweep's place.
 *
 * An account the switch does not know (its GET answered 404: a number mistyped when the account was
 * created, CONTRACTS §1 `create-account`, or one never provisioned there) is listed for staff under
 * "Out of sync with the switch" (noteNotOnSwitch), once until an agent resolves it or the switch
 * answers for it (closeNotOnSwitch), and not in its first NOT_ON_SWITCH_GRACE_MS. Any other failure
 * (a timeout, a 5xx, a 429) is transient: the account is only tried again.
 *
 * A pass stops reading after TICK_BUDGET_MS (`deadline`; lib/server/tick-budget.ts): with a switch
 * that answers slowly the accounts it did not reach stay due and come first in the next pass, and the
 * worker still finishes its ticks (readiness calls it stalled otherwise, on every instance at once).
 *
 * While the switch has asked this instance for quiet (lib/switch/quiet.ts: a 429 or 503 with
 * Retry-After, here or in any other call), the pass starts no read, as with a spent budget: before
 * 2026-12-05 every account a 429 had marked uncertain came first and was read at once, each read
 * another 429.
 *
 * `accountNumbers` narrows the pass to those accounts (the same rules within them): a pass over one
 * account a caller owns, such as tests/helpers/truth-model.ts's schedule, does not read the switch for
 * every other account the database holds.
 */
export async function reconcilePass(
  opts: {
    client?: SwitchClient;
    limit?: number;
    now?: Date;
    differenceWaitMs?: number;
    accountNumbers?: readonly string[];
    deadline?: () => boolean;
  } = {},
): Promise<Record<Reconciled | 'unreadable', number>> {
  const client = opts.client ?? switchClient({ retries: 0 });
  const differenceWaitMs = opts.differenceWaitMs ?? env().RECONCILE_INTERVAL_MS / 2;
  const now = opts.now ?? sharedNow();
  const only = opts.accountNumbers ? [...opts.accountNumbers] : undefined;
  const pendingNumbers = (
    await db.switchOperation.findMany({
      where: { status: 'pending', ...(only && { accountNumber: { in: only } }) },
      select: { accountNumber: true },
      distinct: ['accountNumber'],
      take: 1000,
    })
  ).map((o) => o.accountNumber);
  const accounts = await db.customerAccount.findMany({
    where: {
      ...(only && { number: { in: only } }),
      OR: [
        { reconcileDue: true },
        { blocks: { some: { status: { in: ['active', 'lift_pending'] } } } },
        // The portal's clock, as `now` (switchChangedAt is the switch's).
        { switchAppliedAt: { gte: new Date(now.getTime() - RECENT_MS) } },
        { number: { in: pendingNumbers } },
      ],
    },
    select: { id: true, number: true, createdAt: true },
    orderBy: [{ reconcileDue: 'desc' }, { lastReconciledAt: { sort: 'asc', nulls: 'first' } }],
    take: opts.limit ?? 100,
  });
  const everyPass = accounts.length;
  accounts.push(
    ...(await sweep(
      only,
      accounts.map((a) => a.id),
    )),
  );
  const counts: Record<Reconciled | 'unreadable', number> = {
    in_sync: 0,
    changed_meanwhile: 0,
    blocked_in_portal: 0,
    difference_seen: 0,
    reapplied_on_switch: 0,
    waiting_for_switch: 0,
    unreadable: 0,
  };
  const over = opts.deadline ?? tickDeadline();
  const unknown: { a: (typeof accounts)[number]; readAt: Date; swept: boolean }[] = [];
  for (const [i, a] of accounts.entries()) {
    // While the switch asked this instance for quiet (a 429 or 503 with Retry-After,
    // lib/switch/quiet.ts), nothing is read: the accounts stay due and come first after it.
    if (over() || switchQuietMs() > 0) break;
    // The shared clock, as switchAppliedAt is stamped (lib/blocks/lifecycle.ts moveSwitchClock).
    const readAt = sharedNow();
    const state = await client.getAccount(a.number);
    if (!state.ok) {
      counts.unreadable++;
      if (state.kind === 'not_found') unknown.push({ a, readAt, swept: i >= everyPass });
      continue;
    }
    await closeNotOnSwitch(a.id, readAt);
    counts[await reconcileAccount(a.id, state.value, readAt, differenceWaitMs)]++;
  }
  // A 404 says "no such account" only from a switch that answers account reads: a SWITCH_API_URL with
  // a wrong path answers 404 for every account (the reference switches answer an unknown route so),
  // and listing them all would bury support under entries that are not so.
  const trusted = answersAccountReads();
  // A warning, not an error: a pass at start-up may read only accounts the switch does not know
  // before any it does. Every pass saying so, for an hour, is the sign of a wrong SWITCH_API_URL.
  if (unknown.length && !trusted)
    log().warn(
      { notFound: unknown.length },
      'account reads answered 404 and none was answered lately, so none is listed as unknown to the switch: if every read answers 404, check SWITCH_API_URL',
    );
  let listed = 0;
  for (const u of unknown)
    if (await noteNotOnSwitch(u.a, u.readAt, u.swept, trusted && listed < NOT_ON_SWITCH_PER_PASS)) listed++;
  return counts;
}

/**
 * The most accounts one pass newly lists as unknown to the switch: a switch that loses its
 * accounts (a restore from an old backup) answers 404 for many at once; they are listed over the
 * following passes, and support reads the first ones while the rest come.
 */
export const NOT_ON_SWITCH_PER_PASS = 20;

/**
 * The switch answered 404 for account `a` (read at `readAt`, the shared clock). `swept`: read by the
 * sweep, so noted as compared (it does not hold the sweep's place). With `list`, lists it for staff
 * under "Out of sync with the switch" (a SyncIssue, switch state `not_found`, action `not_on_switch`,
 * audited as `reconcile.difference` by openSyncIssue) and returns true, unless:
 * - it was made less than NOT_ON_SWITCH_GRACE_MS ago;
 * - its latest such entry is still open: one entry however many passes find it;
 * - a person resolved its latest such entry and the switch has not answered for the account since
 *   (`knownOnSwitchAt`, set by closeNotOnSwitch): a customer who left, closed on the switch, which
 *   the portal cannot close, is listed once, not again at every read after each resolution.
 * Under the account's lock, so two worker instances never list it twice.
 */
async function noteNotOnSwitch(
  a: { id: string; number: string; createdAt: Date },
  readAt: Date,
  swept: boolean,
  list: boolean,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await lockAccount(tx, a.id);
    if (swept) await tx.customerAccount.update({ where: { id: a.id }, data: { lastReconciledAt: readAt } });
    // Made here moments ago: the operator may be provisioning it on the switch now (create-account
    // warned them already if the switch did not know it). A pass after the grace lists it.
    if (!list || readAt.getTime() - a.createdAt.getTime() < NOT_ON_SWITCH_GRACE_MS) return false;
    const latest = await tx.syncIssue.findFirst({
      where: { accountId: a.id, action: 'not_on_switch' },
      orderBy: { detectedAt: 'desc' },
      select: { resolvedAt: true, resolvedById: true },
    });
    if (latest && latest.resolvedAt === null) return false;
    if (latest?.resolvedById) {
      const { knownOnSwitchAt } = await tx.customerAccount.findUniqueOrThrow({
        where: { id: a.id },
        select: { knownOnSwitchAt: true },
      });
      if (!knownOnSwitchAt || knownOnSwitchAt < latest.resolvedAt!) return false;
    }
    const blocked = await tx.block.count({
      where: { accountId: a.id, status: { in: ['active', 'lift_pending'] } },
    });
    await openSyncIssue(tx, a.id, {
      portalState: blocked ? 'blocked' : 'allowed',
      switchState: 'not_found',
      action: 'not_on_switch',
      detail: storeNote('history.syncNotOnSwitch', { number: a.number }),
    });
    return true;
  });
}

/**
 * An account made less than this long ago (ms) is not listed as unknown to the switch: an operator
 * creates it in the portal and provisions it on the switch in either order (CONTRACTS §1
 * `create-account` warns when the switch does not know it yet), and an entry for every account in
 * the minutes between would teach staff to resolve these entries unread.
 */
export const NOT_ON_SWITCH_GRACE_MS = 15 * 60_000;

/**
 * The switch answered for account `accountId` (read at `readAt`): an entry still listing it as
 * unknown to the switch (noteNotOnSwitch) is resolved by Tollgate, audited as `reconcile.resolved`
 * with no actor, since what it reported is no longer so (the number provisioned, or corrected); and
 * when a person had resolved the latest such entry, the account's `knownOnSwitchAt` says the switch
 * knows it again, so a later 404 is listed anew. One read of the account's latest entry; a write only
 * when there is something to record.
 */
async function closeNotOnSwitch(accountId: string, readAt: Date): Promise<void> {
  const latest = await db.syncIssue.findFirst({
    where: { accountId, action: 'not_on_switch' },
    orderBy: { detectedAt: 'desc' },
    select: { id: true, resolvedAt: true, resolvedById: true },
  });
  if (!latest) return;
  if (latest.resolvedAt !== null) {
    if (latest.resolvedById)
      await db.customerAccount.updateMany({
        where: {
          id: accountId,
          OR: [{ knownOnSwitchAt: null }, { knownOnSwitchAt: { lt: latest.resolvedAt } }],
        },
        data: { knownOnSwitchAt: readAt },
      });
    return;
  }
  const note = `Resolved by Tollgate: the switch answered for the account at ${readAt.toISOString()}.`;
  await db.$transaction(async (tx) => {
    const won = await tx.syncIssue.updateMany({
      where: { accountId, action: 'not_on_switch', resolvedAt: null },
      data: { resolvedAt: readAt, resolvedNote: note },
    });
    if (won.count > 0)
      await audit(
        {
          action: 'reconcile.resolved',
          accountId,
          target: { type: 'sync_issue', id: latest.id },
          detail: { note },
        },
        tx,
      );
  });
}

/** The quiet accounts this pass sweeps (see reconcilePass): least recently compared first, none of `taken`. */
async function sweep(
  only: string[] | undefined,
  taken: string[],
): Promise<{ id: string; number: string; createdAt: Date }[]> {
  const passesPerPeriod = SWEEP_PERIOD_MS / env().RECONCILE_INTERVAL_MS;
  const total = await db.customerAccount.count({ where: only && { number: { in: only } } });
  return db.customerAccount.findMany({
    where: { ...(only && { number: { in: only } }), id: { notIn: taken } },
    select: { id: true, number: true, createdAt: true },
    orderBy: [{ lastReconciledAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
    take: Math.max(SWEEP_MIN, Math.ceil(total / passesPerPeriod)),
  });
}
