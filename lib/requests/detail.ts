import 'server-only';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import { leftAt, type LeftWhy } from '@/lib/accounts/left-at';
import { staffAccountInclude, staffAccountView } from '@/lib/accounts/queries';
import { CALLS_SHOWN, callView, staffBlockView } from '@/lib/blocks/queries';
import { timelineTitle } from '@/lib/blocks/timeline-title';
import { shownTimeline } from '@/lib/blocks/timeline-order';
import { callbackForAgent } from '@/lib/phone/callback';
import { accountCountry } from '@/lib/phone/plan';
import { sharedNow } from '@/lib/server/clock';
import { cameBackOf } from './came-back';
import { claimInForce } from './claim-columns';
import { judge } from './evidence';
import { shownRequestStatus } from './closed';
import { requestMark, watchedEntries } from './watch';
import { OPEN_STATUSES } from '@/lib/allowances/rules';

/**
 * The account's allowances a request page lists at most (OPEN_STATUSES: one open a country, so an
 * account has a handful; the cap keeps one account's read bounded whatever happens).
 */
export const OPEN_ALLOWANCES_SHOWN = 20;

/** The number of the account an unblock request is about, for staff only (assertStaff throws otherwise); null for no such request. */
export async function requestAccountNumberForStaff(
  user: CurrentUser | null,
  id: string,
): Promise<string | null> {
  assertStaff(user);
  const r = await db.unblockRequest.findUnique({
    where: { id },
    select: { account: { select: { number: true } } },
  });
  return r?.account.number ?? null;
}

/**
 * Everything an agent needs on the callback, or null (→ 404). Country names (call summary, callback
 * warning) are in `locale`, the page's language (BCP 47; default "en"). `claim`: who has taken the
 * pending request now (lib/requests/claim.ts: `byId`, `by` their address, `since`, `until`, `mine`
 * when it is `user`), or null (nobody, lapsed, or no longer pending). `cameBack`: a pending request
 * back in the queue after an approval whose lift did not happen, or null; `watch`: what the page's
 * watch compares. `openAllowances`: the account's destination allowances that are waiting for a
 * decision, on their way to the switch or in force (at most OPEN_ALLOWANCES_SHOWN), which approving
 * this request settles too when its lift leaves no block in force (see the field). Throws
 * (assertStaff) for a caller who is not staff.
 */
export async function getRequestForStaff(user: CurrentUser, id: string, locale = 'en') {
  assertStaff(user);
  const r = await db.unblockRequest.findUnique({
    where: { id },
    include: {
      account: {
        include: {
          ...staffAccountInclude,
          // Read with the account (one more statement of the same read, on the (accountId, status)
          // index): a lift that leaves no block in force closes the waiting ones without a decision
          // and ends the others (lib/allowances/operations.ts endAllowancesWithBlock), and before
          // 2026-12-07 this page never named them (tester: "Other requests: None").
          allowances: {
            where: { status: { in: [...OPEN_STATUSES] } },
            orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
            take: OPEN_ALLOWANCES_SHOWN,
            select: {
              id: true,
              country: true,
              hours: true,
              status: true,
              createdAt: true,
              claimedById: true,
              claimedAt: true,
              claimedUntil: true,
            },
          },
        },
      },
      block: {
        include: { calls: { orderBy: [{ at: 'asc' }, { id: 'asc' }] }, events: { orderBy: { at: 'asc' } } },
      },
    },
  });
  if (!r) return null;
  // The sender's standing on the account, from the members the account's read brought (no statement
  // of its own): gone from the list is removed (or their login deleted), listed disabled is disabled.
  const standing = r.account.memberships.find((m) => m.userId === r.submittedById);
  const gone: LeftWhy | null = !standing ? 'removed' : standing.user.disabled ? 'disabled' : null;
  const now = sharedNow();
  // Who holds each waiting allowance request now: named by the people read below (no statement of its own).
  const allowanceHeld = new Map(
    r.account.allowances.map((x) => [x.id, x.status === 'requested' ? claimInForce(x, now) : null]),
  );
  const allowanceHolders = [...allowanceHeld.values()].flatMap((h) => (h ? [h.byId] : []));
  const [people, earlierBlocks, otherRequests, back, leftAtOf] = await Promise.all([
    db.user.findMany({
      where: { id: { in: [r.submittedById, r.decidedById ?? '', r.claimedById ?? '', ...allowanceHolders] } },
      select: { id: true, email: true, name: true, locale: true },
    }),
    db.block.findMany({
      where: { accountId: r.accountId, id: { not: r.blockId } },
      orderBy: { placedAt: 'desc' },
      take: 20,
      select: { id: true, reason: true, status: true, placedAt: true, createdAt: true, liftedAt: true },
    }),
    db.unblockRequest.findMany({
      where: { accountId: r.accountId, id: { not: r.id } },
      orderBy: { createdAt: 'desc' },
      take: 20,
      select: {
        id: true,
        kind: true,
        status: true,
        createdAt: true,
        decidedAt: true,
        denyReason: true,
        decisionNote: true,
      },
    }),
    // Only a waiting request can have come back after an approval (lib/requests/came-back.ts).
    r.status === 'pending' ? cameBackOf([r]).then((m) => m.get(r.id) ?? null) : null,
    // Read only when the sender is no longer a current member: a statement on this page's every render otherwise.
    gone ? leftAt(r.accountId, [{ userId: r.submittedById, why: gone }]) : null,
  ]);
  const person = (uid: string | null) => people.find((p) => p.id === uid) ?? null;
  const sender = person(r.submittedById);
  // Every stored call, and the count of those the block's event listed beyond them, as the queue judges.
  const { summary, likelihood, markedCallIds } = judge(
    { ...r, block: { ...r.block, callCount: r.block.calls.length + r.block.callsNotKept } },
    locale,
  );
  const a = r.account;
  const b = r.block;
  const held = r.status === 'pending' ? claimInForce(r, now) : null;
  return {
    id: r.id,
    kind: r.kind,
    // `closed` for one a lift closed (shown "Closed without a decision", not "Withdrawn").
    status: shownRequestStatus(r),
    createdAt: r.createdAt,
    whatHappened: r.whatHappened,
    intendedNumber: r.intendedNumber,
    pbxIp: r.pbxIp,
    callbackPhone: r.callbackPhone,
    // Checked again at display time: requests sent before the rule, or a number that became high-risk.
    callback: callbackForAgent(
      r.callbackPhone,
      a.phone,
      accountCountry(a.country),
      b.calls.map((c) => c.to),
      locale,
    ),
    checklist: r.checklist ? (JSON.parse(r.checklist) as Record<string, boolean>) : null,
    /**
     * Who sent it while they are still a member of the account with a login that is not disabled
     * (`id`, `email`, `name`, `locale`); null otherwise: `senderLeft` then says who they were and why
     * nobody should act on their word.
     */
    submittedBy: gone ? null : sender,
    /**
     * Set when the sender no longer speaks for the account, else null: `who` (as submittedBy; null
     * when their login no longer exists), `why` (`removed`: no longer a member of it, the operator's
     * remove-member; `disabled`: still a member, their login disabled by support; `deleted`: the
     * login itself is gone), and `since`, the time of the audit log's `membership.removed` (or
     * `customer_user.disabled`) row for them on this account, null when there is none.
     */
    senderLeft: gone
      ? {
          who: sender,
          why: sender ? gone : ('deleted' as const),
          since: leftAtOf?.get(r.submittedById) ?? null,
        }
      : null,
    claim: held
      ? {
          byId: held.byId,
          by: person(held.byId)?.email ?? held.byId,
          since: held.since,
          until: held.until,
          mine: held.byId === user.id,
        }
      : null,
    // `by`: who decided it, or the customer who withdrew it; null when nobody did (closed by a lift:
    // the note says so) or for a withdrawal recorded before its withdrawer was (older rows).
    decision: r.decidedAt
      ? {
          at: r.decidedAt,
          by: person(r.decidedById)?.email ?? null,
          note: r.decisionNote,
          denyReason: r.denyReason,
        }
      : null,
    /**
     * Back in the queue after an approval whose lift did not happen (lib/requests/came-back.ts
     * CameBack: who approved and when, how the lift failed, the switch's error), or null.
     */
    cameBack: back,
    /**
     * What the page's watch compares while the request waits (components/staff/request-watch.tsx):
     * `mark`, the request as read here (lib/requests/watch.ts requestMark), and `back`, the id of the
     * return after an approval the page shows ('' for none).
     */
    watch: { mark: requestMark(r, watchedEntries(b.events)), back: back?.id ?? '' },
    account: staffAccountView(a),
    block: {
      ...staffBlockView(b),
      // Listed: the calls the customer marked and the latest CALLS_SHOWN, in time order; the evidence
      // (summary, likelihood) reads them all. A block may hold thousands (lib/blocks/trigger-calls.ts).
      calls: b.calls
        .map((c) => ({ ...callView(c), marked: markedCallIds.includes(c.id) }))
        .filter((c, i) => c.marked || i >= b.calls.length - CALLS_SHOWN),
      /** Calls stored with the block in all. */
      callCount: b.calls.length,
      /** When the portal recorded it (its own clock): the placed time shown (shownPlacedAt) is never after it. */
      createdAt: b.createdAt,
      // Each entry at the time it is shown and in order by it, as the customer's page shows them
      // (lib/blocks/timeline-order.ts shownTimeline: the placement first, never ahead of the record).
      events: shownTimeline(
        b.events.map((e) => ({
          id: e.id,
          type: e.type,
          title: timelineTitle(e.type, e.actor),
          at: e.at,
          detail: e.detail,
          actor: e.actor,
        })),
        b,
      ),
    },
    summary,
    likelihood,
    earlierBlocks,
    otherRequests: otherRequests.map(({ decisionNote, ...o }) => ({
      ...o,
      status: shownRequestStatus({ status: o.status, decisionNote }),
    })),
    /**
     * The account's destination allowances still open (lib/allowances/rules.ts OPEN_STATUSES), oldest
     * first, at most OPEN_ALLOWANCES_SHOWN: `status` `requested` (waiting for a decision: decided on
     * the account page's card, `#allowance-<id>`), `sending` (approved, on its way to the switch) or
     * `active` (in force on the switch; its end may be waiting for the switch, which only the account
     * page says); `country` (ISO 3166-1 alpha-2), `hours`, `createdAt`; `claim`, for a waiting one, who
     * is calling about it now (`by` their address, `since`, `until`, `mine`), else null. Approving this
     * request settles them all once the switch confirms a lift that leaves no block in force: the
     * waiting ones close without a decision, the others end with the block.
     */
    openAllowances: a.allowances.map((x) => {
      const h = allowanceHeld.get(x.id) ?? null;
      return {
        id: x.id,
        country: x.country,
        hours: x.hours,
        status: x.status as (typeof OPEN_STATUSES)[number],
        createdAt: x.createdAt,
        claim: h
          ? { by: person(h.byId)?.email ?? h.byId, since: h.since, until: h.until, mine: h.byId === user.id }
          : null,
      };
    }),
  };
}

export type StaffRequestView = NonNullable<Awaited<ReturnType<typeof getRequestForStaff>>>;
