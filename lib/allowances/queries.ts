import 'server-only';
import { accountLabelsById, memberOf } from '@/lib/accounts/queries';
import { displayEmail } from '@/lib/auth/email-address';
import type { CurrentUser } from '@/lib/auth/session';
import type { Prisma } from '@/lib/generated/sqlite/client';
import { claimInForce, type ClaimColumns } from '@/lib/requests/claim-columns';
import { leftAt } from '@/lib/accounts/left-at';
import type { QueueTaken } from '@/lib/requests/queue-filter';
import { sharedNow } from '@/lib/server/clock';
import { db } from '@/lib/server/db';
import { assertStaff } from '@/lib/auth/session';
import { accountBlocked } from './blocked';
import { callbackForAgent } from '@/lib/phone/callback';
import { accountCountry } from '@/lib/phone/plan';
import { encodeCursor } from '@/lib/staff/cursor';
import { storeNote } from '@/lib/i18n/stored';
import { GAVE_UP, type AllowanceDeletePayload } from './operations';
import { OPEN_STATUSES } from './rules';

/** What a page shows of one allowance: no user ids, no internal errors. */
export type AllowanceView = {
  id: string;
  country: string;
  hours: number;
  reason: string;
  /** As the page words it: the stored status, but `gaveUp` for a grant given up (shownStatus). */
  status: string;
  until: Date | null;
  startedAt: Date | null;
  endedAt: Date | null;
  createdAt: Date;
  /** For a denial: the agent's note, which the customer is meant to read. */
  denial: string | null;
  /**
   * When its end was queued for the switch (a `DELETE` still pending in the switch outbox: support's
   * "End now", or Tollgate's own end when a block came or went), null when none waits. An allowance in
   * force stays in force until the switch confirms the end; one already ended or given up in Tollgate
   * waits for the switch to remove it too, in case it got there (lib/allowances/operations.ts). The
   * pages word either as being ended or removed, never "ended", until the switch confirms it
   * (components/allowance: wordsOf, staffStatusKey).
   */
  endingSince: Date | null;
  /**
   * For one Tollgate ended or gave up (`ended`, `gaveUp`) whose removal the switch refused for good
   * while still listing it (or not saying): `until` when the switch lists it until (a Date still
   * ahead), or null when it could not tell (until the switch drops it). Null otherwise, and once that
   * `until` has passed: the switch drops expired allowances by itself. The pages never word such an
   * allowance as "ended" (stillOnSwitch).
   */
  stillOnSwitch: { until: Date | null } | null;
  /**
   * Why it ended, as stored (lib/allowances/operations.ts EndReason: `expired`, `ended_on_switch`,
   * `ended_by_staff`, `new_block`, `block_lifted`; GAVE_UP for a grant given up), null while it has
   * not: the block page says it after "ended" (components/allowance/block-allowances.tsx), as the
   * allowance_ended mail does.
   */
  endReason: string | null;
};

/** The switch's final refusal of an allowance's DELETE, as endsOnSwitch reads it from the outbox. */
type EndRefusal = {
  /** When the refusal was recorded (the operation's `completedAt`). */
  at: Date;
  /** The stored switch error (`<code>: <detail>`, lib/switch/error-text.ts). */
  error: string;
  /** What the switch's GET said then (AllowanceDeletePayload.stillListed); absent before 2026-12-06. */
  listed?: { until: string | null };
};

/** What the switch outbox says of one allowance's end (endsOnSwitch). */
type EndOnSwitch = { waitingSince: Date | null; refused: EndRefusal | null };

/**
 * What the switch outbox holds about the end (`allowance_delete`, lib/allowances/operations.ts) of
 * each allowance of `rows` (all of the account numbered `accountNumber`), by allowance id, in one
 * query; an allowance with no DELETE is absent.
 * `waitingSince`: when the oldest DELETE still waiting for the switch was queued, else null.
 * `refused`: the newest DELETE the switch settled, when the switch refused it for good (status
 * `failed`; refusedDelete), else null (confirmed, or none settled). Read with the allowances
 * themselves, so a page never offers "End now" again, says "In force" alone, or says "Ended" of one
 * Tollgate ended (a new block, a lift, a grant given up), while the switch has not confirmed the
 * DELETE, or refused it and may still have the allowance.
 * One range of the account's own rows of the (accountNumber, status) index (migration 0033), from
 * the oldest of `rows`' creation on (no DELETE of an allowance is queued before it was asked for):
 * never the whole outbox's kept history, which retention keeps for RETENTION_DAYS.
 */
async function endsOnSwitch(
  accountNumber: string,
  rows: readonly { id: string; createdAt: Date }[],
): Promise<Map<string, EndOnSwitch>> {
  const ends = new Map<string, EndOnSwitch>();
  if (rows.length === 0) return ends;
  const since = new Date(Math.min(...rows.map((r) => r.createdAt.getTime())));
  const ops = await db.switchOperation.findMany({
    where: {
      accountNumber,
      status: { in: ['pending', 'failed', 'done'] },
      kind: 'allowance_delete',
      createdAt: { gte: since },
    },
    select: { payload: true, status: true, createdAt: true, completedAt: true, lastError: true },
    // One DELETE of an allowance waits at a time (operations.ts, decide.ts), so the order they were
    // queued in is the order the switch settled them in.
    orderBy: { createdAt: 'asc' },
  });
  const wanted = new Set(rows.map((r) => r.id));
  for (const op of ops) {
    const p = JSON.parse(op.payload) as Partial<AllowanceDeletePayload>;
    if (!p.allowanceId || !wanted.has(p.allowanceId)) continue;
    const end = ends.get(p.allowanceId) ?? { waitingSince: null, refused: null };
    if (op.status === 'pending') end.waitingSince ??= op.createdAt;
    else
      end.refused =
        op.status === 'failed'
          ? {
              at: op.completedAt ?? op.createdAt,
              error: op.lastError ?? '',
              ...(p.stillListed ? { listed: p.stillListed } : {}),
            }
          : null;
    ends.set(p.allowanceId, end);
  }
  return ends;
}

/**
 * The refusal of `end` (endsOnSwitch) that still speaks of allowance `a`: none when `a` ended after
 * it was recorded (`endedAt` later: a later DELETE was confirmed, or it ran out, and the switch drops
 * an expired allowance by itself), so a refusal retention keeps (lib/server/retention.ts) never
 * outlives the confirmed DELETE that followed it, which retention deletes.
 */
const refusalOf = (a: { endedAt: Date | null }, end: EndOnSwitch | undefined): EndRefusal | null =>
  end?.refused && !(a.endedAt && a.endedAt.getTime() > end.refused.at.getTime()) ? end.refused : null;

/**
 * AllowanceView.stillOnSwitch of the stored allowance `a` at `now`, from what the outbox says of its
 * end (`end`): only for one Tollgate ended or gave up, with no DELETE waiting (then it is being
 * removed: endingSince) and the newest one refused, after it ended (refusalOf). Until when the switch may have it: the `until`
 * its GET listed, null when it could not tell; for a refusal recorded before 2026-12-06 (nobody
 * asked the switch) the allowance's own `until`, the last Tollgate knew. Null once that has passed.
 */
function stillOnSwitch(
  a: { status: string; endReason: string | null; until: Date | null; endedAt: Date | null },
  end: EndOnSwitch | undefined,
  now: Date,
): { until: Date | null } | null {
  const refused = refusalOf(a, end);
  if (!refused || end?.waitingSince) return null;
  if (a.status !== 'ended' && shownStatus(a) !== 'gaveUp') return null;
  const listed = refused.listed;
  const until = listed ? (listed.until === null ? null : new Date(listed.until)) : a.until;
  return until && until.getTime() <= now.getTime() ? null : { until };
}

/**
 * The status both sides word for a stored allowance `a`: `gaveUp` for a grant Tollgate gave up
 * (status `refused`, `endReason` GAVE_UP: the switch never answered it within the give-up horizon,
 * lib/allowances/operations.ts giveUpAllowanceOperation), which must not read "refused by the switch";
 * else its stored status. A refusal stored before GAVE_UP existed (a transport error as `endReason`)
 * stays `refused`.
 */
const shownStatus = (a: { status: string; endReason: string | null }): string =>
  a.status === 'refused' && a.endReason === GAVE_UP ? 'gaveUp' : a.status;

/**
 * The view of stored allowance `r` worded with `status` (shownStatus, statusNow), given what the
 * outbox says of its end (`end`, endsOnSwitch) at `now`.
 */
const view = (
  r: Omit<AllowanceView, 'denial' | 'endingSince' | 'stillOnSwitch'> & { decisionNote: string | null },
  status: string,
  end: EndOnSwitch | undefined,
  now: Date,
): AllowanceView => ({
  id: r.id,
  country: r.country,
  hours: r.hours,
  reason: r.reason,
  status,
  until: r.until,
  startedAt: r.startedAt,
  endedAt: r.endedAt,
  createdAt: r.createdAt,
  denial: status === 'denied' ? r.decisionNote : null,
  endingSince: end?.waitingSince ?? null,
  stillOnSwitch: stillOnSwitch(r, end, now),
  endReason: r.endReason,
});

/**
 * The allowances of the account of one of the user's blocks, newest first (at most 20); [] for any
 * other id. Each comes with the status its words on the page (allowance.status.*) must have to be
 * true of the account NOW, blocked or not (accountBlocked), whatever it was when the row last changed:
 * - not blocked: one still in force on the switch is `unneeded` (every country can be called: no
 *   "calls allowed until…", no countdown); an ended one `endedUnblocked` (not "blocked again"); a
 *   request a new block closed (`denied` with Tollgate's history.allowanceNewBlock, which says "ask
 *   for it again") `deniedUnneeded`.
 * - blocked: a request the lift of an earlier block closed (`closed`, whose words say "every country
 *   can be called") is `closedBlocked`, or `closedAskedAgain` when the account has asked for that
 *   country again since (an allowance of it asked for, on its way or in force: rules.ts OPEN_STATUSES);
 *   an ended one is `endedRenewed` while a newer one for that country is in force ("blocked again"
 *   would deny the one listed above it).
 * Either way a grant Tollgate gave up, unanswered by the switch (`refused` with `endReason` GAVE_UP), is
 * `gaveUp`: not "the switch refused it" (shownStatus). Every other status is shown as stored (an
 * allowance in force whose end waits for the switch stays `active`: it is in force until the switch
 * confirms; `endingSince` says the end waits, endsOnSwitch; so does the removal of one ended by
 * Tollgate or given up, which the page words as being removed, not ended; and `stillOnSwitch` says
 * the switch refused that removal and may still have it, which the page never words as ended).
 * `known.blocked`: accountBlocked as the caller has just read
 * it (the block page knows it from its block and the account's other open block), so it is not asked
 * again; else it is read here. `known.accountNumber`: the account's number, which the switch outbox
 * is read by (endsOnSwitch); else it is read here, when the account has allowances.
 */
export async function allowancesForBlockPage(
  userId: string,
  accountId: string,
  known?: { blocked?: boolean; accountNumber?: string },
): Promise<AllowanceView[]> {
  const [rows, blocked] = await Promise.all([
    db.destinationAllowance.findMany({
      where: { accountId, account: memberOf(userId) },
      orderBy: { createdAt: 'desc' },
      take: 20,
    }),
    known?.blocked ?? accountBlocked(db, accountId),
  ]);
  const now = { blocked, ...countriesNow(rows) };
  const number =
    known?.accountNumber ??
    (rows.length
      ? (await db.customerAccount.findUnique({ where: { id: accountId }, select: { number: true } }))?.number
      : undefined);
  const ends = number ? await endsOnSwitch(number, rows) : new Map<string, EndOnSwitch>();
  const at = sharedNow();
  return rows.map((r) => view(r, statusNow(r, now), ends.get(r.id), at));
}

/**
 * Whether allowance `a` (as allowancesForBlockPage gives it) may let calls to its country through a
 * block now, so that "calls abroad are refused" would not be the whole truth: one in force (`active`),
 * one whose grant is on its way to the switch (`sending`: the switch may have it already), one whose
 * end or removal the switch has not confirmed (`endingSince`), or one the switch refused to remove
 * (`stillOnSwitch`). The block page's status line and the block notice mail (lib/mail/render.ts) ask it.
 */
export function mayPassCalls(a: Pick<AllowanceView, 'status' | 'endingSince' | 'stillOnSwitch'>): boolean {
  return (
    a.status === 'active' || a.status === 'sending' || a.endingSince !== null || a.stillOnSwitch !== null
  );
}

/** The countries of `rows` with an allowance in force (`active`), and with one open (OPEN_STATUSES). */
function countriesNow(rows: { country: string; status: string }[]) {
  const of = (statuses: readonly string[]) =>
    new Set(rows.filter((r) => statuses.includes(r.status)).map((r) => r.country));
  return { inForce: of(['active']), open: of(OPEN_STATUSES) };
}

/** The note Tollgate stores on a request a new block closed (operations.ts closeWaitingRequests). */
const NEW_BLOCK_NOTE = storeNote('history.allowanceNewBlock');

/**
 * allowancesForBlockPage's status of one allowance `a`, for the account as it is `now`: a grant given
 * up is `gaveUp` (shownStatus) blocked or not, since it was never in force in Tollgate either way.
 */
function statusNow(
  a: { country: string; status: string; decisionNote: string | null; endReason: string | null },
  now: { blocked: boolean; inForce: Set<string>; open: Set<string> },
): string {
  if (shownStatus(a) === 'gaveUp') return 'gaveUp';
  if (!now.blocked) {
    if (a.status === 'active') return 'unneeded';
    if (a.status === 'ended') return 'endedUnblocked';
    if (a.status === 'denied' && a.decisionNote === NEW_BLOCK_NOTE) return 'deniedUnneeded';
    return a.status;
  }
  if (a.status === 'closed') return now.open.has(a.country) ? 'closedAskedAgain' : 'closedBlocked';
  if (a.status === 'ended' && now.inForce.has(a.country)) return 'endedRenewed';
  return a.status;
}

/** Who holds a waiting allowance request now (lib/allowances/claim.ts), or null: its claim in force at `now`. */
const heldNow = (r: ClaimColumns & { status: string }, now: Date) =>
  r.status === 'requested' ? claimInForce(r, now) : null;

/**
 * Staff: every allowance of an account, newest first (at most 50), with who asked and who decided,
 * and for a customer's request the number to call back (`callback`: E.164 `phone` and
 * callbackForAgent's view, checked against the account's number on file and its block's trigger
 * destinations; null when none was given). Warnings are in `locale` (BCP 47, default "en").
 * `claim`: for a request still waiting, the agent who has taken it now (lib/allowances/claim.ts:
 * `byId`, `by` their address as stored, `since`, `until`, `mine` when it is `user`), else null (nobody
 * holds it: never taken, released, lapsed; or it is no longer waiting). `endingSince`: when its end was
 * queued for the switch, still unanswered (endsOnSwitch), else null: an `ended` or `gaveUp` one with it
 * is being removed from the switch, not ended (staffStatusKey). `stillOnSwitch`: for an `ended` or
 * `gaveUp` one whose removal the switch refused, until when it may still have it (AllowanceView).
 * `endRefused`: when no end waits and the switch refused the newest one for good, when it was
 * recorded (`at`) and the switch's error as stored (`error`, lib/switch/error-text.ts), else null:
 * for one still `active`, "End now" was refused and is offered again. `status` is the stored one but
 * `gaveUp` for a grant the switch never answered (shownStatus); `endReason` as stored: a code of
 * Tollgate's (`expired`, `gave_up`, …) or, for a refusal, the switch's error.
 */
export async function allowancesForStaff(user: CurrentUser, accountId: string, locale = 'en') {
  assertStaff(user);
  const [rows, account] = await Promise.all([
    db.destinationAllowance.findMany({ where: { accountId }, orderBy: { createdAt: 'desc' }, take: 50 }),
    db.customerAccount.findUnique({
      where: { id: accountId },
      select: { number: true, phone: true, country: true },
    }),
  ]);
  const now = sharedNow();
  const held = new Map(rows.map((r) => [r.id, heldNow(r, now)]));
  const blockIds = [...new Set(rows.map((r) => r.blockId).filter((x): x is string => x !== null))];
  const [calls, ends] = await Promise.all([
    db.triggerCall.findMany({ where: { blockId: { in: blockIds } }, select: { blockId: true, to: true } }),
    account ? endsOnSwitch(account.number, rows) : new Map<string, EndOnSwitch>(),
  ]);
  const country = accountCountry(account?.country);
  const ids = [
    ...new Set(
      rows
        .flatMap((r) => [r.requestedById, r.decidedById, held.get(r.id)?.byId ?? null])
        .filter((x): x is string => x !== null),
    ),
  ];
  // With each login whether it is still a member of this account and not disabled: a count of one
  // row in the same statement, for the asker of a waiting request (requesterLeft).
  const people = await db.user.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      email: true,
      disabled: true,
      _count: { select: { memberships: { where: { accountId } } } },
    },
  });
  const users = new Map(people.map((u) => [u.id, u.email]));
  const standing = new Map(people.map((u) => [u.id, u]));
  /** Why the asker of waiting request `r` no longer speaks for the account, or null (see requesterLeft). */
  const leftWhy = (r: { status: string; requestedById: string | null }) => {
    if (r.status !== 'requested' || !r.requestedById) return null;
    const u = standing.get(r.requestedById);
    if (!u) return 'deleted' as const;
    return u._count.memberships === 0 ? ('removed' as const) : u.disabled ? ('disabled' as const) : null;
  };
  const left = new Map(rows.map((r) => [r.id, leftWhy(r)]));
  // Each asker once (a deleted login's removal is the time it left), and no statement when none left.
  const askers = new Map<string, 'removed' | 'disabled'>();
  for (const r of rows) {
    const why = left.get(r.id);
    if (why && r.requestedById) askers.set(r.requestedById, why === 'deleted' ? 'removed' : why);
  }
  const since = await leftAt(
    accountId,
    [...askers].map(([userId, why]) => ({ userId, why })),
  );
  return rows.map((r) => ({
    ...view(r, shownStatus(r), ends.get(r.id), now),
    endRefused: endRefused(r, ends.get(r.id)),
    note: r.decisionNote,
    endReason: r.endReason,
    requestedBy: r.requestedById ? (users.get(r.requestedById) ?? null) : null,
    /**
     * For a request still waiting whose asker no longer speaks for the account, else null: `why`
     * (`removed`: no longer a member of it; `disabled`: their login is disabled; `deleted`: their
     * login no longer exists) and `since` (lib/accounts/left-at.ts leftAt: the audit log's time, or
     * null). The agent calls a current member at the account's number on file instead.
     */
    requesterLeft: (() => {
      const why = left.get(r.id);
      return why ? { why, since: (r.requestedById && since.get(r.requestedById)) || null } : null;
    })(),
    // Decided with no person: closed by Tollgate itself (operations.ts closeWaitingRequests).
    decidedBy: r.decidedById ? (users.get(r.decidedById) ?? null) : r.decidedAt ? 'tollgate' : null,
    claim: claimView(held.get(r.id) ?? null, user, (id) => users.get(id) ?? id),
    callback: r.callbackPhone
      ? {
          phone: r.callbackPhone,
          country,
          view: callbackForAgent(
            r.callbackPhone,
            account?.phone,
            country,
            calls.filter((c) => c.blockId === r.blockId).map((c) => c.to),
            locale,
          ),
        }
      : null,
  }));
}

/**
 * allowancesForStaff's `endRefused` of allowance `a`: the switch's refusal of the newest end, while
 * no end waits and `a` has not ended since (refusalOf).
 */
const endRefused = (a: { endedAt: Date | null }, end: EndOnSwitch | undefined) => {
  const refused = refusalOf(a, end);
  return refused && !end?.waitingSince ? { at: refused.at, error: refused.error } : null;
};

/**
 * A claim in force as the staff pages show it: `byId`, `by` (the holder's address as `emailOf` gives
 * it), `since`, `until`, and `mine` when `user` holds it; null for none.
 */
function claimView(
  held: { byId: string; since: Date; until: Date } | null,
  user: CurrentUser,
  emailOf: (id: string) => string,
) {
  if (!held) return null;
  return {
    byId: held.byId,
    by: emailOf(held.byId),
    since: held.since,
    until: held.until,
    mine: held.byId === user.id,
  };
}

/** Allowance requests per page of the staff home's allowance list (as the unblock queue, QUEUE_PAGE). */
export const ALLOWANCE_QUEUE_PAGE = 25;
/** The allowance list's total is counted up to this many; past it the heading says "more than". */
export const ALLOWANCE_COUNT_CAP = 10_000;

/**
 * The waiting allowance requests of the queue's "Taken" filter (lib/requests/queue-filter.ts), for
 * the reader `userId` at `now`: `no`, nobody holds it (never taken, released, or its claim lapsed:
 * `claimedUntil` at or before `now`, as claimInForce reads it); `mine`, the reader holds it; `yes`,
 * anyone does; absent, every waiting one.
 */
function waitingWhere(
  taken: QueueTaken | undefined,
  userId: string,
  now: Date,
): Prisma.DestinationAllowanceWhereInput {
  const held = { claimedById: { not: null }, claimedUntil: { gt: now } };
  if (taken === 'no')
    return {
      status: 'requested',
      OR: [{ claimedById: null }, { claimedUntil: null }, { claimedUntil: { lte: now } }],
    };
  if (taken === 'yes') return { status: 'requested', ...held };
  if (taken === 'mine') return { status: 'requested', ...held, claimedById: userId };
  return { status: 'requested' };
}

/**
 * Staff queue: one page of the allowance requests waiting for a callback, oldest first (createdAt,
 * then id), after `after` (the decoded keyset cursor of the previous page, null = the oldest page),
 * so requests that arrive meanwhile never make one repeat or go missing. `opts.taken` keeps those
 * nobody holds now (`no`: never taken, released, or lapsed), those the caller holds (`mine`) or those
 * anyone holds (`yes`), as the unblock queue's "Taken" filter does; absent, every waiting one.
 * `total` counts the waiting requests of the same filter up to ALLOWANCE_COUNT_CAP (`capped` when
 * there are more), so the heading and the list agree; `next` is the cursor of the following page or
 * null. Each item's `claim` is who has taken it now (lib/allowances/claim.ts: `byId`, `by` their
 * address as displayEmail shows it, `since`, `until`, `mine` when it is `user`), or null.
 * `opts.pageSize` and `opts.countCap` override the defaults (tests). Throws (assertStaff) for a
 * caller who is not staff.
 */
export async function pendingAllowanceRequests(
  user: CurrentUser,
  after: { at: Date; id: string } | null = null,
  opts: { pageSize?: number; countCap?: number; taken?: QueueTaken } = {},
) {
  assertStaff(user);
  const size = opts.pageSize ?? ALLOWANCE_QUEUE_PAGE;
  const cap = opts.countCap ?? ALLOWANCE_COUNT_CAP;
  // One clock for the filter and the claims shown: a claim that lapses between them is in neither.
  const now = sharedNow();
  const waiting = waitingWhere(opts.taken, user.id, now);
  const keyset = after
    ? { OR: [{ createdAt: { gt: after.at } }, { createdAt: after.at, id: { gt: after.id } }] }
    : {};
  const [rows, counted] = await Promise.all([
    db.destinationAllowance.findMany({
      where: { AND: [waiting, keyset] },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: size + 1,
    }),
    db.destinationAllowance.count({ where: waiting, take: cap + 1 }),
  ]);
  const page = rows.slice(0, size);
  const held = new Map(page.map((r) => [r.id, heldNow(r, now)]));
  const holders = [...new Set([...held.values()].flatMap((h) => (h ? [h.byId] : [])))];
  const [accounts, emails] = await Promise.all([
    accountLabelsById(page.map((r) => r.accountId)),
    holders.length
      ? db.user.findMany({ where: { id: { in: holders } }, select: { id: true, email: true } })
      : [],
  ]);
  const emailOf = new Map(emails.map((u) => [u.id, u.email]));
  const items = page.map((r) => ({
    id: r.id,
    country: r.country,
    hours: r.hours,
    createdAt: r.createdAt,
    account: accounts.get(r.accountId)!,
    claim: claimView(held.get(r.id) ?? null, user, (id) => displayEmail(emailOf.get(id) ?? id)),
  }));
  const last = page[page.length - 1];
  const next = rows.length > size && last ? encodeCursor([last.createdAt, last.id]) : null;
  const capped = counted > cap;
  return { items, total: capped ? cap : counted, capped, next };
}

/**
 * Where "Next request" leads on the allowance desk (`/staff/requests/next?kind=allowance`): the
 * oldest allowance request (createdAt, then id) still waiting for a decision that nobody holds now
 * (never taken, released, or its claim lapsed: lib/allowances/claim.ts), as `{ id, accountNumber,
 * createdAt }` (it is decided on its account's staff page), or null when every waiting one is taken or none
 * waits. Read when the link is followed, so agents who follow it one after another are each sent to
 * one nobody has taken by then. Throws (assertStaff) for a caller who is not staff.
 */
export async function oldestAllowanceNotTaken(
  user: CurrentUser | null,
): Promise<{ id: string; accountNumber: string; createdAt: Date } | null> {
  assertStaff(user);
  const row = await db.destinationAllowance.findFirst({
    where: waitingWhere('no', user.id, sharedNow()),
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, createdAt: true, account: { select: { number: true } } },
  });
  return row ? { id: row.id, accountNumber: row.account.number, createdAt: row.createdAt } : null;
}
