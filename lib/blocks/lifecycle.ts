import 'server-only';
import crypto from 'node:crypto';
import { audit, auditInsert } from '@/lib/audit/log';
import { storedText, storeNote, storePersonText, switchReason } from '@/lib/i18n/stored';
import { translate } from '@/lib/i18n/translate';
import { db, type Db, type Tx } from '@/lib/server/db';
import { lockAccount } from '@/lib/server/db/lock';
import { sharedNow } from '@/lib/server/clock';
import {
  callHost,
  insertBlock,
  insertBlockEvents,
  insertTriggerCalls,
  newRowId,
  lockAccountForEvent,
  claimAndReadAfterLock,
  type EventAccount,
} from '@/lib/blocks/event-sql';
import type { BlockEventType, BlockReason } from '@/lib/generated/sqlite/enums';
import {
  mailAbout,
  queueMailToAsker,
  queueMailToMembers,
  queueMailToUsers,
  mailInsert,
  releaseHeldMail,
} from '@/lib/mail/queue';
import type { LiftWithdrawn } from '@/lib/mail/payloads';
import type { BlockLiftedEvent, BlockPlacedEvent } from '@/lib/switch/events-schema';
import { blockReasons } from '@/lib/switch/events-schema';
import { readSwitchError } from '@/lib/switch/error-text';
import type { SwitchAccount } from '@/lib/switch/schemas';
import { DEFAULT_TOLERANCE_SEC } from '@/lib/switch/signature';
import { accountCountry } from '@/lib/phone/plan';
import { endAllowancesWithBlock } from '@/lib/allowances/operations';
import { readTriggerCalls } from './trigger-calls';
import { closedByLift } from '@/lib/requests/closed';
import { cutWhole } from '@/lib/server/control-characters';
import { liftIfRotated } from '@/lib/blocks/policy';
import { passwordChangedSince } from '@/lib/blocks/rotation';
import { credentialName } from '@/lib/accounts/credential-name';

// The block lifecycle: the ONLY code that writes Block, BlockEvent and the switch operations that
// place, lift or re-apply blocks (the outbox runner in lib/switch/outbox.ts only leases and sends
// them). Every transition takes the account's lock first, on both databases, so two transitions of
// one account never interleave. The rules, for switch engineers too, are in docs/switch-api.md:
//
// - The switch is the truth, and its clock orders changes. `CustomerAccount.switchChangedAt` is the
//   switch's time of the newest change applied here. A `block.lifted` lifts only blocks placed at or
//   before its `occurredAt`; a `block.placed` older than `switchChangedAt` is only believed after the
//   switch's own GET says the account is blocked. A lift dated before a block by no more than the
//   clock-skew window (the signature's 300 s: two nodes of one switch) cannot be ordered by its time:
//   the switch's GET decides it too (applySwitchEvent, liftedBySwitch).
// - A lift is account-wide on the switch. It is requested for an explicit list of blocks, and only
//   when no other block of the account stays in force (else it would undo that block).
// - A new block cancels every lift still queued. A lift the switch confirms anyway (it was already on
//   the wire) is recorded, and every block still in force is placed again on the switch ("re-apply"),
//   with a SyncIssue so staff see it.
// - A new block, and the lift of the account's last block, end every destination allowance in force
//   or on its way (lib/allowances/operations.ts `endAllowancesWithBlock`): the switch keeps an
//   allowance until its `until`, and one granted under an earlier block must not pass a new fraud.
// - Uncertain outcomes mark the account `reconcileDue`; lib/blocks/reconcile.ts then compares with
//   the switch and makes "blocked on either side" blocked on both.
// - A switch may also send `block.placed` for a block Tollgate placed through its API (an "echo" of
//   a manual block or a re-apply). It is the same block on the switch: the event joins Tollgate's
//   placement (ownPlacement), in either arrival order, and makes no second block and no second notice.
//   Only an event that says what the placement said (its reason, no calls, not from before it) is an
//   echo; a fraud block of the switch's own is a block with its own notice, and a manual block's
//   answer that describes it ("already blocked") shows it beside support's block (confirmPlace).
// - Only changes of international calling (lift, block, re-apply) waiting for the switch hold the
//   reconciler and a manual block back; an allowance's operation never does (lib/allowances).

/**
 * A queued lift. `requestId`: the unblock request whose approval queued it (kept in the portal, never
 * sent to the switch): the one request a refusal or a cancellation of this lift puts back in the queue.
 * `registrationsRead`: on the rotation policy's lifts only (requestLift `by: 'policy'`), false until
 * the switch outbox has read the registrar for every credential of the account and found no suspect
 * left unchanged (withholdLiftForSuspects sets it true, under the account's lock, before the first
 * send); never sent to the switch. Absent on support's and an approval's lifts (a person decided
 * them) and on rows queued before 2026-12 (they may have been sent: never withheld).
 */
export type LiftPayload = {
  state: 'allowed';
  reason: string;
  actor: string;
  blockIds?: string[];
  requestId?: string;
  registrationsRead?: boolean;
};
export type PlacePayload = {
  state: 'blocked';
  reason: 'manual';
  actor: string;
  accountId: string;
  note: string;
};
export type ReapplyPayload = {
  state: 'blocked';
  reason: string;
  actor: string;
  accountId: string;
  blockId: string;
};

const OPEN = ['active', 'lift_pending'] as const;
const later = (a: Date | null, b: Date) => (a && a > b ? a : b);

async function event(
  tx: Tx,
  blockId: string,
  type: BlockEventType,
  actor: string,
  detail?: string,
  at?: Date,
) {
  await tx.blockEvent.create({ data: { blockId, type, actor, detail, ...(at ? { at } : {}) } });
}

/**
 * Settles a switch operation that is still pending, once: `done` when the switch confirmed it,
 * `failed` (with the switch's error, cut to 500 characters) when it refused. Returns false when the
 * row was no longer pending (settled by another worker or cancelled): the caller then does nothing.
 */
async function settlePending(tx: Tx, id: string, status: 'done' | 'failed', error?: string) {
  const settled = await tx.switchOperation.updateMany({
    where: { id, status: 'pending' },
    data: {
      status,
      completedAt: new Date(),
      leaseOwner: null,
      leaseUntil: null,
      ...(status === 'failed' ? { lastError: cutWhole(error ?? '', 500) } : {}),
    },
  });
  return settled.count === 1;
}

/**
 * Records a change from the switch applied now: moves the account's switch clock forward to `at`
 * (never back; `at` is the switch's time of the change where the switch gave one) and stamps
 * `switchAppliedAt` with the portal's now, which the reconciler (on this instance or another one)
 * compares with its own read time: both on the shared clock (lib/server/clock.ts), so that an instance
 * whose clock runs ahead never takes a read from before a change for one after it.
 * `current` is the account's `switchChangedAt` when the caller read it under the account's lock
 * (saves a read); else it is read.
 */
async function moveSwitchClock(
  tx: Tx,
  accountId: string,
  at: Date,
  current?: { switchChangedAt: Date | null },
) {
  const account =
    current ??
    (await tx.customerAccount.findUniqueOrThrow({
      where: { id: accountId },
      select: { switchChangedAt: true },
    }));
  const next = later(account.switchChangedAt, at);
  await tx.customerAccount.update({
    where: { id: accountId },
    data: { switchChangedAt: next, switchAppliedAt: sharedNow() },
  });
}

/**
 * A request for a block that is lifted anyway has nothing left to decide: close it, visibly (shown as
 * "Closed without a decision", lib/requests/closed.ts). Returns the requests it closed, for the mail
 * that tells their customers (tellClosedRequests).
 */
async function closeRequestsOf(tx: Tx, blockIds: string[]): Promise<ClosedRequest[]> {
  if (!blockIds.length) return [];
  const waiting = await tx.unblockRequest.findMany({
    where: { blockId: { in: blockIds }, status: 'pending' },
    select: { id: true, submittedById: true },
  });
  if (!waiting.length) return [];
  await tx.unblockRequest.updateMany({
    where: { id: { in: waiting.map((r) => r.id) }, status: 'pending' },
    data: closedByLift(new Date()),
  });
  return waiting;
}

type ClosedRequest = { id: string; submittedById: string };

/** The block_lifted payload's list of what the lift closed (unblock and allowance requests), when any. */
const closedIds = (requests: ClosedRequest[], allowances: string[]) => ({
  ...(requests.length ? { closedRequestIds: requests.map((r) => r.id) } : {}),
  ...(allowances.length ? { closedAllowanceIds: allowances } : {}),
});

/**
 * The customers of requests a lift closed while another block of the account stays in force: no
 * "calling is back" mail goes out then (it would be false), so the one who asked (else every member)
 * gets `request_closed` (docs/staff-console.md "Requests closed without a decision").
 */
async function tellClosedRequests(tx: Tx, accountId: string, closed: ClosedRequest[]) {
  for (const r of closed)
    await queueMailToAsker(tx, accountId, r.submittedById, 'request_closed', { requestId: r.id });
}

/**
 * Approvals whose lift did not happen. An approval closes its request and mails the customer "we are
 * lifting the block now" when it queues the lift, before the switch answers; when the switch refuses
 * that lift (`refuseLift`) or a new block cancels it (`cancelQueuedLifts`), the block is in force
 * again and the approval is no longer true. The switch is the truth: each of `requestIds` (the
 * approval that queued the lift, LiftPayload.requestId) that is still approved, and whose block is
 * among `inForce` (the blocks this refusal or cancellation put back in force), goes back to pending
 * (into the queue, for an agent to decide again; the earlier approval stays in the audit log and on
 * the timeline), and `request.reopened` is audited with `cause` and the switch's `error` (what the
 * request page and the queue tell agents: lib/requests/came-back.ts). The customer is told once,
 * by `tell`: `{ withdrawn }`, its submitter (else every member) is mailed `request_lift_failed`,
 * saying why Tollgate withdrew the lift (`withdrawn`, LiftWithdrawn) or, without it, that the switch
 * did not lift the block; `notice`, no mail here: the caller's new block's notice names each request
 * returned (block_notice `reopenedRequestIds`: one mail, never two). Returns the reopened requests' ids.
 * A block that meanwhile has another open request (older data) keeps that one; nothing is reopened.
 */
async function reopenApprovals(
  tx: Tx,
  accountId: string,
  requestIds: string[],
  inForce: string[],
  cause: 'lift_refused' | 'lift_cancelled',
  error: string,
  tell: { withdrawn?: LiftWithdrawn } | 'notice',
): Promise<string[]> {
  const reopened: string[] = [];
  for (const requestId of requestIds) {
    // Only the approval that queued this very lift (LiftPayload.requestId), and only while it is still
    // approved: never an older approval of the same block, nor one the lift did not come from.
    const approved = await tx.unblockRequest.findFirst({
      where: { id: requestId, accountId, status: 'approved' },
      select: { id: true, blockId: true, submittedById: true },
    });
    if (!approved || !inForce.includes(approved.blockId)) continue;
    const blockId = approved.blockId;
    if (await tx.unblockRequest.count({ where: { openKey: blockId } })) continue;
    await tx.unblockRequest.update({
      where: { id: approved.id },
      data: { status: 'pending', openKey: blockId, decidedAt: null, decidedById: null, decisionNote: null },
    });
    reopened.push(approved.id);
    if (tell !== 'notice')
      await queueMailToAsker(tx, accountId, approved.submittedById, 'request_lift_failed', {
        requestId: approved.id,
        ...tell,
      });
    await audit(
      {
        action: 'request.reopened',
        accountId,
        target: { type: 'unblock_request', id: approved.id },
        detail: { blockId, cause, error: error.slice(0, 200) },
      },
      tx,
    );
  }
  return reopened;
}

/**
 * Every queued lift of the account is cancelled (a new block must not be undone by it). Blocks that
 * waited for it are in force again. A lift that may already have reached the switch (it was claimed
 * by a worker at least once) makes the outcome uncertain: the account is marked for reconciliation,
 * and if the switch confirms that lift later, `confirmLift` re-applies the block. An approval whose
 * lift it was goes back to support's queue (reopenApprovals); `inNotice`: the caller queues the new
 * block's notice in the same transaction, with the returned request ids in its payload
 * (noticePayload), and that notice tells the customer; else `request_lift_failed` does, saying why
 * the lift was withdrawn (`cause`). Returns the ids of the requests reopened.
 */
// Why queued lifts were cancelled: English for the operation's lastError (`superseded: <why>`, which
// lib/switch/error-text.ts WITHDRAWN reads as withdrawn by Tollgate), a note for the timeline
// (`suspect_credential` names the credentials per block: withholdLiftForSuspects passes `notes`).
const CANCELLED = {
  new_block: ['the switch placed a new block on this account', 'history.liftCancelledNewBlock'],
  newer_in_force: ['a newer block is still in force on the switch', 'history.liftCancelledNewer'],
  support_placed: ['support placed a block on this account', 'history.liftCancelledManual'],
  suspect_credential: ['suspect credential not changed since the block', 'history.liftWithheldSuspect'],
} as const;

async function cancelQueuedLifts(
  tx: Tx,
  account: { id: string; number: string },
  cause: keyof typeof CANCELLED,
  queued?: { id: string; attempts: number }[],
  inNotice = false,
  notes?: ReadonlyMap<string, string>,
): Promise<string[]> {
  const [why, note] = CANCELLED[cause];
  // `queued`: the account's pending lifts, when the caller read them under the lock (readAfterLock).
  const ops =
    queued ??
    (await tx.switchOperation.findMany({
      where: { accountNumber: account.number, kind: 'lift', status: 'pending' },
      select: { id: true, attempts: true },
    }));
  if (!ops.length) return [];
  await withdrawPending(tx, account.id, ops, why);
  const waiting = await tx.block.findMany({
    where: { accountId: account.id, status: 'lift_pending' },
    select: { id: true },
  });
  await tx.block.updateMany({ where: { id: { in: waiting.map((w) => w.id) } }, data: { status: 'active' } });
  for (const w of waiting)
    await event(tx, w.id, 'lift_requested', 'switch', notes?.get(w.id) ?? storeNote(note));
  const cancelled = await tx.switchOperation.findMany({
    where: { id: { in: ops.map((o) => o.id) } },
    select: { payload: true },
  });
  return reopenApprovals(
    tx,
    account.id,
    cancelled.flatMap((o) => (JSON.parse(o.payload) as LiftPayload).requestId ?? []),
    waiting.map((w) => w.id),
    'lift_cancelled',
    `superseded: ${why}`,
    // A withheld lift is the rotation policy's, which no approval queued: it reopens nothing, and has
    // no mail of its own (LIFT_WITHDRAWN names the causes an approval's customer is told of).
    inNotice ? 'notice' : cause === 'suspect_credential' ? {} : { withdrawn: cause },
  );
}

/**
 * Withdraws switch operations still pending (`ops`, read under the account's lock): stored `failed`
 * with `superseded: <why>`, which staff read as withdrawn by Tollgate (lib/switch/error-text.ts
 * WITHDRAWN), the lease let go. One already sent (`attempts` > 0) may have reached the switch: the
 * account is marked reconcileDue, and the reconciler reads it.
 */
async function withdrawPending(
  tx: Tx,
  accountId: string,
  ops: { id: string; attempts: number }[],
  why: string,
): Promise<void> {
  if (!ops.length) return;
  await tx.switchOperation.updateMany({
    where: { id: { in: ops.map((o) => o.id) }, status: 'pending' },
    data: {
      status: 'failed',
      completedAt: new Date(),
      leaseOwner: null,
      leaseUntil: null,
      lastError: `superseded: ${why}`,
    },
  });
  if (ops.some((o) => o.attempts > 0))
    await tx.customerAccount.update({ where: { id: accountId }, data: { reconcileDue: true } });
}

/**
 * How long the notice of a block the reconciler found is held for the switch's `block.placed`, in ms
 * (75 s; docs/operations.md "Block notices the reconciler holds", docs/switch-api.md part 3). The
 * reconciler can read an account as blocked before that event arrives: in flight for a second,
 * reordered, or retried by the switch after an outage of the portal. A sender following
 * docs/switch-api.md part 2 waits at most a minute between two attempts (the simulator: 60 s, less
 * its jitter; attempts time out after 10 s), so its next attempt lands within 60 s of the portal
 * being back, plus 15 s for that attempt and the mail worker's tick. A longer hold would keep a fraud notice from the customer for minutes when the
 * event never comes (a 413, a sender that gave up). The event ends the hold at once (attachToFound),
 * and so does a lift (releaseNoticeOnLift). No setting: the bound follows from the documented retry.
 */
export const NOTICE_HOLD_MS = 75_000;

/**
 * The block notice's payload: the block, `closedAllowances`, the allowance requests this block
 * closed (lib/allowances/operations.ts endAllowancesWithBlock), and `reopened`, the unblock requests
 * whose approved lift this block withdrew, back with support (cancelQueuedLifts with `inNotice`):
 * the notice names both, so their customers learn it from this one mail.
 */
const noticePayload = (blockId: string, closedAllowances: string[], reopened: string[] = []) => ({
  blockId,
  ...(closedAllowances.length ? { closedAllowanceIds: closedAllowances } : {}),
  ...(reopened.length ? { reopenedRequestIds: reopened } : {}),
});

/**
 * The block's timeline row saying the notice was queued to `count` members, or, with `holdMs`, that
 * it waits that long for the switch's details (NOTICE_HOLD_MS).
 */
function noticeQueuedRow(blockId: string, count: number, holdMs = 0) {
  return {
    blockId,
    type: 'notice_queued' as const,
    at: new Date(),
    actor: 'tollgate',
    detail:
      holdMs > 0
        ? storeNote('history.noticeHeld', { count, seconds: Math.round(holdMs / 1000) })
        : storeNote('history.recipients', { count }),
  };
}

/**
 * Queues the block notice to every member of the account who receives mail, and writes the block's
 * timeline row saying so. `holdMs`: the notice is due that long after now on the shared clock
 * (sharedNow), not at once (NOTICE_HOLD_MS). `reopened`: the requests whose lift this block withdrew
 * (noticePayload). A block placed from a switch event queues its notice in the block's own statement
 * instead (applySwitchEvent: lib/mail/queue.ts mailInsert).
 */
async function notice(
  tx: Tx,
  accountId: string,
  blockId: string,
  closedAllowances: string[] = [],
  holdMs = 0,
  reopened: string[] = [],
) {
  const opts = holdMs > 0 ? { holdUntil: new Date(sharedNow().getTime() + holdMs) } : {};
  const queued = await queueMailToMembers(
    tx,
    accountId,
    'block_notice',
    noticePayload(blockId, closedAllowances, reopened),
    opts,
  );
  await tx.blockEvent.create({ data: noticeQueuedRow(blockId, queued, holdMs) });
}

/**
 * Ends the hold of the notice of each of `blockIds` that is still held (queued by the reconciler with
 * NOTICE_HOLD_MS; lib/mail/queue.ts releaseHeldMail) because the block is lifted before the switch's
 * details arrived: the notice goes out now, ahead of the "calling is back" mail the lift queues, as
 * a notice queued at once and lifted before it was sent always did (both mails, in that order). The
 * timeline says so. Blocks whose notice is not held are left alone.
 */
async function releaseNoticeOnLift(tx: Tx, blockIds: string[]) {
  for (const id of blockIds)
    if (await releaseHeldMail(tx, 'block_notice', id))
      await event(tx, id, 'notice_queued', 'tollgate', storeNote('history.noticeReleasedLift'));
}

// ------------------------------------------------------------------------------------ switch events

export type EventApplied =
  | { kind: 'placed'; blockId: string }
  | { kind: 'lifted'; blockIds: string[] }
  /** Older than the account's last change and the switch says the account is allowed: not a block now. */
  | { kind: 'stale' }
  /**
   * Apply again with the switch's current state: a placement older than the account's last change,
   * or a lift dated before an open block within the clock-skew window (SKEW_WINDOW_MS).
   */
  | { kind: 'need_switch_state' }
  | { kind: 'duplicate' }
  /** No account has the event's number: the inbox row is kept as `unknown_account`. */
  | { kind: 'unknown_account' };

/** The inbox row of one event (CONTRACTS §4): the raw body exactly as received. */
export type InboxRow = { id: string; type: string; accountNumber: string; body: string };

type EventContext = {
  /** Stored in the same transaction as the effect, before it (or found there: a copy). */
  inbox: InboxRow;
  /** The switch's GET, for a placement older than the account's last change. */
  switchState?: SwitchAccount;
  /**
   * When that GET was sent (shared clock, lib/server/clock.ts). A switch change the portal applied
   * after it (`switchAppliedAt` later: a lift's event while the GET was on the wire) makes the read
   * stale: the placement asks for the switch's state again (`need_switch_state`).
   */
  switchStateReadAt?: Date;
  /**
   * Whether a body stored under the event's id is this event's (a copy: the caller compares the JSON,
   * lib/blocks/ingest.ts sameEventBody). Asked whenever a row with the id is found, in any state
   * (`processed`, `received`, `unknown_account`, or being written by a concurrent delivery, which the
   * claim waits for): a different body throws EventIdReused, so nothing of this transaction stays.
   * Absent: every body is taken for the stored one.
   */
  sameBody?: (stored: string) => boolean;
};

/**
 * The event's id was already received with another body (a switch whose id counter started again,
 * say after a database restore): thrown from applySwitchEvent's transaction, which is rolled back
 * (the switch clock the lock moved included), so nothing of the new body is applied or stored.
 * `stored`: the body kept under the id.
 */
export class EventIdReused extends Error {
  constructor(readonly stored: string) {
    super('event id already received with a different body');
    this.name = 'EventIdReused';
  }
}

/**
 * The clock-skew window, in ms: how far apart two clocks of one switch may be and still sign events
 * Tollgate accepts (lib/switch/signature.ts DEFAULT_TOLERANCE_SEC, 300 s; docs/switch-api.md part 2,
 * "Signing"). Within it, a `block.lifted` dated before a block's placement may still have happened
 * after it (node A 4 minutes fast placed the block, node B lifted it a minute later), so their times
 * cannot order them and the switch's state decides (skewedBlocks, liftedBySwitch).
 */
export const SKEW_WINDOW_MS = DEFAULT_TOLERANCE_SEC * 1000;

/** A block a lift's time cannot order (skewedBlocks): its id and its latest placement (placedAt, or a later `placed` row). */
type SkewedBlock = { id: string; placedAt: Date };

/**
 * The account's open blocks a `block.lifted` dated `at` would leave in force only because they were
 * placed after `at` by no more than SKEW_WINDOW_MS: `placedAt`, or a later `placed` timeline row (a
 * re-apply the switch confirmed), after `at`, and none later than `at` + the window. Blocks placed
 * at or before `at` are lifted anyway; one placed later than the window is a newer block. Each with
 * its latest placement, for the time its lift is recorded at.
 */
async function skewedBlocks(tx: Tx, accountId: string, at: Date): Promise<SkewedBlock[]> {
  const edge = new Date(at.getTime() + SKEW_WINDOW_MS);
  const rows = await tx.block.findMany({
    where: {
      accountId,
      status: { in: [...OPEN] },
      placedAt: { lte: edge },
      events: { none: { type: 'placed', at: { gt: edge } } },
      OR: [{ placedAt: { gt: at } }, { events: { some: { type: 'placed', at: { gt: at } } } }],
    },
    select: {
      id: true,
      placedAt: true,
      events: { where: { type: 'placed' }, orderBy: { at: 'desc' }, take: 1, select: { at: true } },
    },
  });
  return rows.map((b) => ({ id: b.id, placedAt: later(b.events[0]?.at ?? null, b.placedAt) }));
}

const CLAIMABLE = ['received', 'unknown_account'] as const;

/**
 * No account has the event's number: its inbox row is kept as `unknown_account` (claimable later). A
 * row stored under the id with another body (ctx.sameBody) throws EventIdReused, whatever its state:
 * read in the statement that reads the state, so at no extra cost.
 */
async function unknownAccount(tx: Tx, ctx: EventContext): Promise<EventApplied> {
  const { inbox } = ctx;
  const row = await tx.switchEvent.findUnique({
    where: { id: inbox.id },
    select: { status: true, body: true },
  });
  if (row && ctx.sameBody && !ctx.sameBody(row.body)) throw new EventIdReused(row.body);
  if (row && !(CLAIMABLE as readonly string[]).includes(row.status)) return { kind: 'duplicate' };
  if (!row)
    await tx.switchEvent.create({ data: { ...inbox, status: 'unknown_account', processedAt: new Date() } });
  else if (row.status === 'received')
    await tx.switchEvent.update({
      where: { id: inbox.id },
      data: { status: 'unknown_account', processedAt: new Date() },
    });
  return { kind: 'unknown_account' };
}

/**
 * How long one switch event's transaction may run (ms) before Prisma rolls it back: Prisma's default
 * of 5 s is too short for the largest event (EVENT_BODY_LIMIT, 10,000 calls: 2.4-3.5 s alone on the
 * test machine's PostgreSQL) on a loaded server, where it was rolled back each time the switch sent it
 * again (CI on 4823722: 5.4 s under a parallel test run). The account's lock is held that long at most.
 */
export const EVENT_TRANSACTION_TIMEOUT_MS = 30_000;

/**
 * Applies one signed switch event (CONTRACTS §4) in one transaction with its inbox row: the
 * account's lock, then the inbox row (stored as `processed`, or an earlier `received` row claimed);
 * a row already processed makes the event a duplicate, answered without further work. Only one
 * transaction per account runs at a time, so 50 concurrent copies create one block.
 * `block.placed`: cancels queued lifts and creates the block with its trigger calls and a notice to
 * every member, unless the event is older than the account's last applied change; then the switch's
 * own state decides (`need_switch_state` until the caller passes it; the row stays `received`).
 * `block.lifted`: lifts the blocks placed at or before `occurredAt`; newer blocks stay. A block placed
 * after `occurredAt` by no more than SKEW_WINDOW_MS (skewedBlocks) cannot be ordered by the times: the
 * switch's state decides (`need_switch_state` until the caller passes it; the row stays `received`):
 * `allowed` lifts it too, `blocked` keeps it (liftedBySwitch).
 * A copy whose body differs from the one stored under its id (ctx.sameBody) throws EventIdReused,
 * whatever the stored row's state: the claim takes only a row holding the same bytes, and any other
 * row found is read and compared (two deliveries racing with one id: the first to store its row wins).
 * Unknown account number: the row is kept as `unknown_account` (claimable once the account exists).
 * Throws Prisma's P2002 when a concurrent copy naming an unknown account stored the row first (no
 * account lock orders them): the caller asks again.
 */
export async function applySwitchEvent(
  e: BlockPlacedEvent | BlockLiftedEvent,
  ctx: EventContext,
): Promise<EventApplied> {
  return db.$transaction(
    async (tx): Promise<EventApplied> => {
      const { inbox } = ctx;
      const at = new Date(e.occurredAt);
      // The lock's own statement moves the switch clock to `at` (never back) and returns the account.
      const account = await lockAccountForEvent(tx, e.data.accountNumber, at);
      if (!account) return unknownAccount(tx, ctx);
      // The clock is now the later of its old value and `at`: later than `at` iff the event is older.
      const stale = account.switchChangedAt > at;
      // A read older than a change applied since is no answer: a block.lifted applied while the GET
      // was on the wire lifted nothing (this block was not there yet), and placing the block from
      // that read would show it in force while the switch allows calls (review, session 39).
      const readBefore =
        !!ctx.switchStateReadAt &&
        account.switchAppliedAt !== null &&
        account.switchAppliedAt > ctx.switchStateReadAt;
      // A lift dated before blocks placed within the clock-skew window: the switch says which came first.
      const skewed = e.type === 'block.lifted' ? await skewedBlocks(tx, account.id, at) : [];
      const waitForSwitch =
        (e.type === 'block.placed' ? stale : skewed.length > 0) && (!ctx.switchState || readBefore);
      // Not believed: older than the account's last change, and the switch says it is not blocked, or
      // blocked by a block that took effect after this one (so this one ended before it).
      const disbelieved = stale && !waitForSwitch && !switchHoldsBlockOf(ctx.switchState, at);
      const places = e.type === 'block.placed' && !waitForSwitch && !disbelieved;
      // The claim: a new row is stored already claimed, a copy's unfinished row is claimed, a row
      // already processed makes this a duplicate. Under the account's lock nobody else claims it.
      // A new block also needs the account's queued lifts and the members its notice goes to, read
      // after the lock: on PostgreSQL (READ COMMITTED) a subquery inside the locking UPDATE reads the
      // snapshot from before the wait, and would miss a lift committed meanwhile; a statement after
      // it (here the claim's) sees it.
      // Only a row holding these very bytes is claimed (claimInboxRow): another body under the id,
      // whatever the row's state, is never taken for this event's.
      const status = waitForSwitch ? 'received' : 'processed';
      let { claimed, after } = await claimAndReadAfterLock(tx, inbox, status, places ? account : null);
      if (!claimed) {
        // A copy, or the same id with another body: compared only here, when the claim found a row (a
        // stored row is read for nothing else). Another body is thrown, so the lock's move of the
        // switch clock is rolled back too; a body retention cleared is taken as the same (sameEventBody).
        const stored = await tx.switchEvent.findUnique({
          where: { id: inbox.id },
          select: { status: true, body: true },
        });
        if (stored && ctx.sameBody && !ctx.sameBody(stored.body)) throw new EventIdReused(stored.body);
        // The same event in other bytes (a retry serialised again) while its row is unfinished: claimed
        // under the bytes stored, which it keeps. Claimed meanwhile by a copy: a duplicate.
        if (stored && (CLAIMABLE as readonly string[]).includes(stored.status))
          ({ claimed, after } = await claimAndReadAfterLock(
            tx,
            { ...inbox, body: stored.body },
            status,
            places ? account : null,
          ));
        if (!claimed) return { kind: 'duplicate' };
      }
      if (waitForSwitch) return { kind: 'need_switch_state' };
      if (e.type === 'block.lifted')
        return liftedBySwitch(
          tx,
          account,
          e,
          at,
          skewed.length ? { skewed, state: ctx.switchState } : undefined,
        );
      if (disbelieved) {
        await audit(
          {
            action: 'switch.block.placed_stale',
            accountId: account.id,
            target: { type: 'switch_event', id: e.id },
            detail: {
              occurredAt: e.occurredAt,
              switchChangedAt: account.switchChangedAt.toISOString(),
              switchSays: ctx.switchState?.internationalCalling,
              switchBlockedAt: ctx.switchState?.blockedAt ?? null,
            },
          },
          tx,
        );
        // The switch blocks the account by a newer block: the reconciler's next pass shows that one if
        // its own event has not arrived (docs/switch-api.md part 3).
        if (ctx.switchState?.internationalCalling === 'blocked')
          await tx.customerAccount.update({ where: { id: account.id }, data: { reconcileDue: true } });
        return { kind: 'stale' };
      }
      const { lifts, members, reconciledBlock, allowances, ownPlacement: own } = after!;
      // An older placement the switch confirms is still a change applied now (the lock's statement
      // stamped only a newer event): the reconciler's "changed since my read".
      if (stale) await moveSwitchClock(tx, account.id, at, account);
      // The read after the lock said whether a reconciler's block or an allowance exists at all: an
      // account with neither (nearly every event) makes no further read for them.
      const found = reconciledBlock ? await foundByReconciler(tx, account.id, at) : null;
      if (found) return attachToFound(tx, account, e, at, found);
      // The switch's report of a block Tollgate placed itself (an echo): no second block, no second
      // notice. Only one that says what Tollgate's placement said: anything else is a block of its own.
      const mine = own ? await ownPlacement(tx, account, e, at) : null;
      const echoed = mine ? await attachToOwn(tx, account, e, at, mine) : null;
      if (echoed) return echoed;
      // An approval whose lift this withdraws is named by this block's notice (below), not mailed apart.
      const reopened = await cancelQueuedLifts(tx, account, 'new_block', lifts, true);
      // Fraud again: no exception granted under an earlier block lets it through (lib/allowances).
      const { closed } = allowances
        ? await endAllowancesWithBlock(tx, account, 'new_block')
        : { closed: [] as string[] };
      // Raw inserts with the block's id made here, not a nested create: Prisma follows a nested create
      // with a read of the whole block, writes each child row with its own INSERT and compiles every
      // createMany anew. The block, its calls, its two timeline rows (placed, notice queued) and the
      // audit row are one statement on PostgreSQL, four on SQLite (lib/blocks/event-sql.ts).
      const block = { id: newRowId() };
      const calls = readTriggerCalls(e.data.calls, accountCountry(account.country), at);
      // The notice to the members read under the lock, in the block's own statement (insertBlock).
      const mail = mailInsert(members, 'block_notice', noticePayload(block.id, closed, reopened));
      const noticed = noticeQueuedRow(block.id, members.length);
      await insertBlock(
        tx,
        {
          id: block.id,
          accountId: account.id,
          reason: e.data.reason,
          placedAt: at,
          placedBy: 'switch',
          sourceEventId: e.id,
          callsNotKept: calls.notKept,
        },
        calls.kept,
        [
          {
            type: 'placed',
            at,
            actor: 'switch',
            detail: storeNote('history.suspiciousCalls', { count: e.data.calls.length }),
          },
          noticed,
        ],
        auditInsert({
          action: 'switch.block.placed',
          accountId: account.id,
          target: { type: 'switch_event', id: e.id },
          detail: { blockId: block.id, reason: e.data.reason, stale },
        }),
        mail ? [mail] : [],
      );
      return { kind: 'placed', blockId: block.id };
    },
    { timeout: EVENT_TRANSACTION_TIMEOUT_MS },
  );
}

/**
 * Whether the switch's state (`GET /v1/accounts/{n}`) still holds the block a `block.placed` dated
 * `at` placed: the account is blocked and its block took effect (`blockedAt`) no later than `at`. The
 * switch has one international-calling state per account and keeps `blockedAt` while it stays
 * blocked (docs/switch-api.md part 1), so a `blockedAt` after `at` means the account was allowed in
 * between: that block was lifted, and the one in force is another (its own event, or the reconciler,
 * shows it). Without this, a placement delivered after the switch's lift and re-block showed a block
 * the switch had lifted, with a second notice for old calls (issue 14). `blockedAt` is compared in
 * whole seconds, as a switch may write `occurredAt` without the fraction it keeps; a switch that
 * answers no `blockedAt` is believed.
 */
function switchHoldsBlockOf(state: SwitchAccount | undefined, at: Date): boolean {
  if (state?.internationalCalling !== 'blocked') return false;
  if (!state.blockedAt) return true;
  return startOfSecond(new Date(state.blockedAt)) <= at;
}

/** `at` without its milliseconds: the time a switch that writes whole seconds gives for it. */
const startOfSecond = (at: Date) => new Date(Math.floor(at.getTime() / 1000) * 1000);

/**
 * The open block the reconciler placed from the switch's own state (`placedBy` switch, no source
 * event) at or after `at`: the block a late `block.placed` dated `at` describes. The switch has one
 * international-calling state per account, and the reconciler's block carries the switch's
 * `blockedAt`, the time the block took effect, which is the event's `occurredAt` for the same block.
 * Its event arrives late after a long outage of the portal (the sender's retry), or after a 413 for a
 * body too large, re-sent with the calls that fit (docs/switch-api.md part 2), or seconds late, in
 * flight while the reconciler read the switch (its notice is held for it: NOTICE_HOLD_MS). A switch
 * may write `blockedAt` without the fraction its `occurredAt` carries (switchHoldsBlockOf compares
 * whole seconds for the same reason), and the event then made a second block with a second notice:
 * a block placed at exactly the whole second of `at` matches too. One placed earlier within that
 * second with a fraction of its own (a switch that keeps milliseconds) is another block. Null when none.
 */
async function foundByReconciler(tx: Tx, accountId: string, at: Date) {
  return tx.block.findFirst({
    where: {
      accountId,
      placedBy: 'switch',
      sourceEventId: null,
      status: { in: ['active', 'lift_pending'] },
      // At or after `at`, or `at`'s own second exactly: a `blockedAt` written without a fraction.
      OR: [{ placedAt: { gte: at } }, { placedAt: startOfSecond(at) }],
    },
    orderBy: { placedAt: 'asc' },
    select: { id: true },
  });
}

/**
 * A late `block.placed` for a block the reconciler already shows (foundByReconciler): the event's
 * trigger calls and id go to that block instead of a second block for one block on the switch. No
 * second notice (the reconciler queued one), no lift cancelled (a lift decided for this block still
 * applies to it), allowances already ended with it; audited as `switch.block.placed` with
 * `attachedTo` and `noticeReleased` (how many held notices it sent on), and the block's timeline
 * says the switch's calls arrived. The reconciler's notice, held for them (NOTICE_HOLD_MS), is due
 * at once: rendered when sent, it lists these calls and the steps for a block with calls. One that
 * already went out without them gets no second mail; the timeline says the calls came after it.
 *
 * `to: 'own_placement'`: the event echoes a block Tollgate placed itself (ownPlacement): a manual
 * block or a re-applied one, with its own notice (or none: a re-apply tells nobody) and, for a
 * re-applied block, its own calls and source event, which stay. An echo lists no calls (ownPlacement
 * takes no other), so it writes no timeline row: it adds nothing the page could show. Its id becomes
 * the block's source event only where the block has none and is support's (a block the reconciler
 * found keeps reading "without calls" otherwise).
 *
 * Either way the rotation policy runs last (policyAfterPlacement).
 */
async function attachToFound(
  tx: Tx,
  account: EventAccount,
  e: BlockPlacedEvent,
  at: Date,
  found: { id: string },
  to: 'reconciled_block' | 'own_placement' = 'reconciled_block',
): Promise<EventApplied> {
  const calls = readTriggerCalls(e.data.calls, accountCountry(account.country), at);
  const reconciled = to === 'reconciled_block';
  if (reconciled)
    await tx.block.update({
      where: { id: found.id },
      data: { sourceEventId: e.id, callsNotKept: calls.notKept },
    });
  else
    await tx.block.updateMany({
      where: { id: found.id, sourceEventId: null, placedBy: { not: 'switch' } },
      data: { sourceEventId: e.id },
    });
  // An echo lists no calls (ownPlacement): it brings nothing a notice or the timeline could show.
  await insertTriggerCalls(tx, found.id, calls.kept);
  const evidence = reconciled;
  // The notice held for these details (NOTICE_HOLD_MS) goes out now and carries them; one already
  // sent (the hold ran out, or a block found before holds existed) did not, and the timeline says so.
  // Sent: the block's own timeline says so (recordNoticeSent), read by its index; only the pending
  // mail, a few rows by the outbox's status index, is matched on its payload.
  const released = evidence ? await releaseHeldMail(tx, 'block_notice', found.id) : 0;
  const pending = () =>
    tx.mailMessage.count({ where: { ...mailAbout('block_notice', found.id), status: 'pending' } });
  const sent = () => tx.blockEvent.count({ where: { blockId: found.id, type: 'notice_sent' } });
  const sentBefore = evidence && !released && (await pending()) === 0 && (await sent()) > 0;
  if (evidence)
    await insertBlockEvents(tx, [
      {
        blockId: found.id,
        type: 'placed',
        at,
        actor: 'switch',
        detail: storeNote('history.suspiciousCalls', { count: e.data.calls.length }),
      },
      ...(released || sentBefore
        ? [
            {
              blockId: found.id,
              type: 'notice_queued' as const,
              at: new Date(),
              actor: 'tollgate',
              detail: storeNote(released ? 'history.noticeReleasedCalls' : 'history.callsAfterNotice'),
            },
          ]
        : []),
    ]);
  await audit(
    {
      action: 'switch.block.placed',
      accountId: account.id,
      target: { type: 'switch_event', id: e.id },
      detail: { blockId: found.id, reason: e.data.reason, attachedTo: to, noticeReleased: released },
    },
    tx,
  );
  // The calls name the credentials the policy waits for: a rotation completed before they came is
  // checked now (a block found without calls named none, so the reset could not lift it). For an
  // echo that settled Tollgate's placement (attachToOwn), as confirmPlace does after the answer: a
  // rotation completed while it waited had its lift refused (`switch_busy`).
  await policyAfterPlacement(tx, account.id);
  return { kind: 'placed', blockId: found.id };
}

/** Tollgate's own placement a `block.placed` echoes (ownPlacement). */
type OwnPlacement =
  | { kind: 'operation'; op: { id: string; accountNumber: string; kind: string; payload: string } }
  | { kind: 'block'; block: { id: string } };

/**
 * The block Tollgate placed on the switch itself that a `block.placed` `e`, dated `at`, reports: a
 * switch may send events for the changes Tollgate made through its API too (docs/switch-api.md part
 * 3, "Events for Tollgate's own changes"), and the bundled Kamailio does not, so both are read alike.
 * An echo says what Tollgate's PUT said and nothing more: its `reason` is the placement's (`manual`
 * for support's block, the block's own reason for a re-apply, which sends it) and it lists no calls
 * (a PUT has none). Any other event is the switch's own block, with its own notice, even while
 * Tollgate's PUT is on its way: with one state per account, a fraud rule that fired before that PUT
 * (its event late) or while it waited makes the PUT's answer "already blocked" (docs/switch-api.md
 * part 1), and taking its event for Tollgate's block hid the fraud's calls and steps from the
 * customer (review of f891c1a).
 * - `operation`: a manual block or a re-apply that still waits for the switch's answer and was sent
 *   at least once (`attempts` counts claims: one never claimed cannot have reached the switch), and
 *   that was created no later than `at`'s second (the switch applied it after Tollgate decided it;
 *   whole seconds, for a switch that writes `occurredAt` without the fraction). The switch applied it
 *   and its event came first. A re-apply counts while its block is still open.
 * - `block`: an open block of the event's reason with a `placed` timeline row not by the switch
 *   (support's block, dated with the switch's `blockedAt` by confirmPlace, or a re-apply the switch
 *   confirmed, dated so too) in `at`'s second: the answer came first. Whole seconds, as
 *   foundByReconciler and switchHoldsBlockOf compare, for a switch that writes one of the two times
 *   without the fraction.
 * Null when none.
 */
async function ownPlacement(
  tx: Tx,
  account: EventAccount,
  e: BlockPlacedEvent,
  at: Date,
): Promise<OwnPlacement | null> {
  if (e.data.calls.length > 0) return null;
  const ops = await tx.switchOperation.findMany({
    where: {
      accountNumber: account.number,
      kind: { in: ['block', 'reapply'] },
      status: 'pending',
      attempts: { gt: 0 },
      createdAt: { lt: new Date(startOfSecond(at).getTime() + 1000) },
    },
    orderBy: { createdAt: 'asc' },
    select: { id: true, accountNumber: true, kind: true, payload: true, blockId: true },
  });
  for (const op of ops) {
    if ((JSON.parse(op.payload) as PlacePayload | ReapplyPayload).reason !== e.data.reason) continue;
    if (op.kind === 'block') return { kind: 'operation', op };
    if (!op.blockId) continue;
    const open = await tx.block.count({
      where: { id: op.blockId, accountId: account.id, status: { in: [...OPEN] } },
    });
    if (open) return { kind: 'operation', op };
  }
  const second = startOfSecond(at);
  const block = await tx.block.findFirst({
    where: {
      accountId: account.id,
      reason: e.data.reason,
      status: { in: [...OPEN] },
      events: {
        some: {
          type: 'placed',
          actor: { not: 'switch' },
          at: { gte: second, lt: new Date(second.getTime() + 1000) },
        },
      },
    },
    orderBy: { placedAt: 'desc' },
    select: { id: true },
  });
  return block ? { kind: 'block', block } : null;
}

/**
 * A `block.placed` that echoes Tollgate's own placement (ownPlacement). Its answer already came: the
 * event joins that block (attachToFound, `own_placement`). Its answer has not come yet: the event is
 * the switch's word that the account is blocked since `at`, so the operation is confirmed by it now,
 * as confirmPlace would (the manual block with its one notice, or the re-apply on the block's
 * timeline), and the event joins the block; the answer, when it comes, finds the operation settled
 * and records nothing more. Joining runs the rotation policy, as confirmPlace does after a placement
 * (attachToFound ends with policyAfterPlacement): a rotation completed while the re-apply waited had
 * its lift refused (`switch_busy`), and the answer, settled meanwhile, checks nothing. Null when the
 * operation was settled meanwhile (nothing was written): the caller then places the event's block as
 * any other.
 */
async function attachToOwn(
  tx: Tx,
  account: EventAccount,
  e: BlockPlacedEvent,
  at: Date,
  own: OwnPlacement,
): Promise<EventApplied | null> {
  if (own.kind === 'block') return attachToFound(tx, account, e, at, own.block, 'own_placement');
  const { op } = own;
  if (!(await settlePending(tx, op.id, 'done'))) return null;
  if (op.kind === 'reapply') {
    const p = JSON.parse(op.payload) as ReapplyPayload;
    await recordReapplied(tx, p, at);
    return attachToFound(tx, account, e, at, { id: p.blockId }, 'own_placement');
  }
  const p = JSON.parse(op.payload) as PlacePayload;
  const blockId = await recordManualBlock(tx, op, p, at, e.id);
  return attachToFound(tx, account, e, at, { id: blockId }, 'own_placement');
}

/**
 * A `block.lifted` event, under the lock that already moved the account's switch clock to its time.
 * `skew`: the open blocks placed after `at` within the clock-skew window (skewedBlocks), with the
 * switch's state read for them (`state`; the caller reads it first: `need_switch_state`). The switch
 * `allowed`: the lift came after them whatever the two clocks said, and they are lifted with the rest,
 * with the same effects (notices released, requests closed, allowances ended, queued operations
 * withdrawn), each recorded 1 ms after its latest placement (a lift is never shown before the block
 * it lifted); audited with `liftedDespiteOrder` (their ids), `laterPlacedAt` (the latest of their
 * placements) and the switch's state. `blocked`: they stay in force, as a newer block always did, and
 * the audit row says what the switch said. Either way the block the reconciler would otherwise place
 * again, or lift, agrees with the switch.
 */
async function liftedBySwitch(
  tx: Tx,
  account: EventAccount,
  e: BlockLiftedEvent,
  at: Date,
  skew?: { skewed: SkewedBlock[]; state?: SwitchAccount },
): Promise<EventApplied> {
  // One clock: `at` and a block's placedAt are both the switch's (an event's occurredAt, or the
  // blockedAt of the switch's answer). Neither can run ahead of the switch's signature time by more
  // than the window (lib/blocks/ingest.ts refuses such events); only a block the switch confirmed
  // without a blockedAt carries a portal time here.
  // Not a block the switch placed again after `at` (a re-apply it confirmed, its `placed` event at the
  // switch's blockedAt): a late lift of the earlier state left it lifted in the portal while the switch
  // held it (review, session 33).
  const inOrder = await tx.block.findMany({
    where: {
      accountId: account.id,
      status: { in: [...OPEN] },
      placedAt: { lte: at },
      events: { none: { type: 'placed', at: { gt: at } } },
    },
    select: { id: true },
  });
  // The switch allows calls now: the lift came after the blocks its time could not order (skewedBlocks).
  const despite = skew?.state?.internationalCalling === 'allowed' ? skew.skewed : [];
  const liftedAt = new Map<string, Date>(
    despite.map((b) => [b.id, later(at, new Date(b.placedAt.getTime() + 1))]),
  );
  const open = [...inOrder, ...despite.map((b) => ({ id: b.id }))];
  // A re-apply of a block the switch lifted is moot: the portal now follows the switch. One already
  // sent may have blocked the account again: the reconciler reads it.
  const reapplies = await tx.switchOperation.findMany({
    where: { kind: 'reapply', status: 'pending', blockId: { in: open.map((b) => b.id) } },
    select: { id: true, attempts: true },
  });
  await withdrawPending(tx, account.id, reapplies, 'the switch lifted this block');
  for (const b of open) {
    const when = liftedAt.get(b.id) ?? at;
    await tx.block.update({
      where: { id: b.id },
      data: { status: 'lifted', liftedAt: when, liftedBy: e.data.actor },
    });
    await event(tx, b.id, 'lifted', e.data.actor, storeNote('history.liftedOnSwitch'), when);
  }
  // A change applied now, as an older placement the switch confirms (applySwitchEvent): the
  // reconciler's read from before it is no reason to place these blocks again.
  if (despite.length)
    await moveSwitchClock(tx, account.id, new Date(Math.max(...[...liftedAt.values()].map(Number))), account);
  await releaseNoticeOnLift(
    tx,
    open.map((b) => b.id),
  );
  const closed = await closeRequestsOf(
    tx,
    open.map((b) => b.id),
  );
  // Queued lifts are moot (the switch allows calls) unless a newer block stays: then they would undo it.
  const newer = await tx.block.count({ where: { accountId: account.id, status: { in: [...OPEN] } } });
  let closedAllowances: string[] = [];
  if (newer === 0) {
    if (open.length) closedAllowances = (await endAllowancesWithBlock(tx, account, 'block_lifted')).closed;
    await tx.switchOperation.updateMany({
      where: { accountNumber: account.number, kind: 'lift', status: 'pending' },
      data: {
        status: 'done',
        completedAt: new Date(),
        leaseOwner: null,
        leaseUntil: null,
        lastError: 'superseded by block.lifted event',
      },
    });
  } else {
    await cancelQueuedLifts(tx, account, 'newer_in_force');
  }
  // "Calling is back" only when it is: a newer block in force keeps international calls blocked, and
  // the customers whose requests this lift closed are told that instead.
  if (open.length && newer === 0)
    await queueMailToMembers(tx, account.id, 'block_lifted', {
      blockId: open[0].id,
      ...closedIds(closed, closedAllowances),
    });
  else await tellClosedRequests(tx, account.id, closed);
  await audit(
    {
      action: 'switch.block.lifted',
      accountId: account.id,
      target: { type: 'switch_event', id: e.id },
      detail: {
        lifted: open.map((b) => b.id),
        newerStillInForce: newer,
        // Only when the switch was asked (a block within the clock-skew window): what it said, and why.
        ...(skew && {
          occurredAt: e.occurredAt,
          switchSays: skew.state?.internationalCalling,
          switchBlockedAt: skew.state?.blockedAt ?? null,
          laterPlacedAt: new Date(Math.max(...skew.skewed.map((b) => b.placedAt.getTime()))).toISOString(),
          ...(despite.length ? { liftedDespiteOrder: despite.map((b) => b.id) } : {}),
        }),
      },
    },
    tx,
  );
  return { kind: 'lifted', blockIds: open.map((b) => b.id) };
}

// ------------------------------------------------------------------------------------ lifting

export type LiftRequest = {
  accountId: string;
  /** Exactly the blocks whose lift was decided: every open block of the account must be in it. */
  blockIds: string[];
  actor: string;
  /** Sent to the switch (English, CONTRACTS §3); the timeline names `by` instead, in the reader's language. */
  reason: string;
  by: 'policy' | 'request' | 'staff';
  /** With `by: 'request'`: the approved request that decided this lift (LiftPayload.requestId). */
  requestId?: string;
};

// The note of a `lift_requested` entry: what was asked of the switch and why (every named password
// changed, an approved request, support), never a result: the switch may still refuse it, and the
// block then stays in force under this entry (a customer read "Lifted by support" there). Only the
// entries the switch confirmed (`lifted`: history.liftConfirmed, history.liftedOnSwitch) say lifted.
// The keys keep their names: rows stored since 2026-11-30 carry them, and read in these words too.
const LIFT_NOTES = {
  policy: 'history.liftPolicy',
  request: 'history.liftRequest',
  staff: 'history.liftStaff',
} as const;

export type OtherBlock = { id: string; reason: BlockReason; placedAt: Date; calls: number };

export type LiftRequested =
  | { ok: true; blockIds: string[] }
  /** Some block is already lifting or lifted (nothing new to send). */
  | { ok: false; kind: 'not_active' }
  /** Other blocks are in force: the lift would undo them. Decide each explicitly. */
  | { ok: false; kind: 'other_blocks'; blocks: OtherBlock[] }
  /** A block placed by support is in force (only staff lifting that block may lift it). */
  | { ok: false; kind: 'manual_block' }
  /** A placement for this account still waits for the switch. */
  | { ok: false; kind: 'switch_busy' };

/**
 * Decides a lift (policy, approved request or staff): the listed blocks wait for the switch
 * (`lift_pending`) and one account-wide lift operation is queued. Refused when another block of the
 * account would be undone by it, or when a manual block is involved and `by` is not staff lifting
 * that very block. The caller's transaction must also hold whatever else it decided (request status).
 */
export async function requestLift(tx: Tx, req: LiftRequest): Promise<LiftRequested> {
  // Each block once: a form that names one twice (`alsoLift[]=B&alsoLift[]=B`, or the request's own
  // block ticked again) asks for the same lift, not for a block that is not in force.
  const blockIds = [...new Set(req.blockIds)];
  await lockAccount(tx, req.accountId);
  const account = await tx.customerAccount.findUniqueOrThrow({ where: { id: req.accountId } });
  const active = await tx.block.findMany({
    where: { accountId: account.id, status: 'active' },
    include: { _count: { select: { calls: true } } },
    orderBy: { placedAt: 'asc' },
  });
  const wanted = active.filter((b) => blockIds.includes(b.id));
  if (wanted.length !== blockIds.length || wanted.length === 0) return { ok: false, kind: 'not_active' };
  const placing = await tx.switchOperation.count({
    where: { accountNumber: account.number, kind: { in: ['block', 'reapply'] }, status: 'pending' },
  });
  const manualOthers = active.some((b) => b.reason === 'manual' && !blockIds.includes(b.id));
  const manualByNonStaff = req.by !== 'staff' && wanted.some((b) => b.reason === 'manual');
  if (placing > 0) return { ok: false, kind: 'switch_busy' };
  if (manualOthers || manualByNonStaff) return { ok: false, kind: 'manual_block' };
  const others = active.filter((b) => !blockIds.includes(b.id));
  if (others.length)
    return {
      ok: false,
      kind: 'other_blocks',
      blocks: others.map((b) => ({
        id: b.id,
        reason: b.reason,
        placedAt: b.placedAt,
        calls: b._count.calls,
      })),
    };

  await tx.block.updateMany({
    where: { id: { in: blockIds }, status: 'active' },
    data: { status: 'lift_pending' },
  });
  const payload: LiftPayload = {
    state: 'allowed',
    reason: req.reason,
    actor: req.actor,
    blockIds,
    ...(req.requestId ? { requestId: req.requestId } : {}),
    // The rotation's lift is sent only once the registrar was read (withholdLiftForSuspects).
    ...(req.by === 'policy' ? { registrationsRead: false } : {}),
  };
  await tx.switchOperation.create({
    data: {
      idempotencyKey: crypto.randomUUID(),
      nextAttemptAt: sharedNow(), // due on the clock every instance claims by (lib/server/clock.ts)
      kind: 'lift',
      accountNumber: account.number,
      blockId: blockIds[0],
      payload: JSON.stringify(payload),
    },
  });
  // The timeline says who asked for it and why, in the reader's language; `reason` (English) goes to
  // the switch.
  const said = storeNote(LIFT_NOTES[req.by]);
  for (const id of blockIds) await event(tx, id, 'lift_requested', req.actor, said);
  return { ok: true, blockIds };
}

/**
 * The switch confirmed a lift (200 `allowed`). The blocks that waited for it are lifted, their
 * requests closed, members emailed. If the operation had been cancelled meanwhile (a new block
 * arrived while it was on the wire), the confirmation is still recorded: the switch now allows calls,
 * so every block still in force is placed again on the switch, and staff are told (SyncIssue).
 */
export async function confirmLift(op: {
  id: string;
  accountNumber: string;
  createdAt: Date;
  payload: string;
}): Promise<void> {
  const payload = JSON.parse(op.payload) as LiftPayload;
  await db.$transaction(async (tx) => {
    const account = await tx.customerAccount.findUnique({ where: { number: op.accountNumber } });
    if (!account) return;
    await lockAccount(tx, account.id);
    const row = await tx.switchOperation.findUniqueOrThrow({ where: { id: op.id } });
    if (row.status === 'done') return; // confirmed before (a re-send answered from the switch's idempotency memory)
    await tx.switchOperation.update({
      where: { id: op.id },
      data: {
        status: 'done',
        completedAt: new Date(),
        leaseOwner: null,
        leaseUntil: null,
        lastError:
          row.status === 'failed'
            ? cutWhole(`confirmed after it was cancelled (${row.lastError ?? ''})`, 500)
            : null,
      },
    });
    const now = new Date();
    // Exactly the blocks this lift was decided for: requestLift listed them under the account's lock,
    // and a block placed later has another id, so no time filter is needed (nor safe: a block's
    // placedAt is the switch's clock, the operation's createdAt the portal's). Each listed block still
    // open ends here, whether it waited (lift_pending) or went back to active when a new block
    // cancelled this lift: the switch lifted the account either way. Rows queued before the list
    // existed fall back to the blocks that waited, known to the portal (createdAt, its own clock)
    // before the lift was queued.
    const lifted = await tx.block.findMany({
      where: {
        accountId: account.id,
        status: { in: [...OPEN] },
        ...(payload.blockIds
          ? { id: { in: payload.blockIds } }
          : { status: 'lift_pending', createdAt: { lte: op.createdAt } }),
      },
      select: { id: true },
    });
    await tx.block.updateMany({
      where: { id: { in: lifted.map((b) => b.id) } },
      data: { status: 'lifted', liftedAt: now, liftedBy: payload.actor },
    });
    const closed = await closeRequestsOf(
      tx,
      lifted.map((b) => b.id),
    );
    for (const b of lifted) {
      await event(tx, b.id, 'lifted', payload.actor, storeNote('history.liftConfirmed'), now);
      await audit(
        {
          action: 'block.lifted',
          accountId: account.id,
          target: { type: 'block', id: b.id },
          detail: { actor: payload.actor, confirmedBy: 'switch' },
        },
        tx,
      );
    }
    await releaseNoticeOnLift(
      tx,
      lifted.map((b) => b.id),
    );
    // The switch gives no time for a lift, so the portal's `now` stands in for the switch's clock
    // (docs/switch-api.md part 3). Safe either way round: a portal clock ahead makes later events
    // look older, and those are believed only after the switch's GET; a portal clock behind lets an
    // older block.placed count as new, which shows a block (blocked wins, decision 006) until the
    // reconciler finds the switch allowing calls.
    await moveSwitchClock(tx, account.id, now);
    const stillInForce = await tx.block.findMany({
      where: { accountId: account.id, status: { in: [...OPEN] } },
      orderBy: { placedAt: 'desc' },
    });
    if (stillInForce.length) {
      await reapply(tx, account, stillInForce[0], 'history.reapplyLateLift');
      await openSyncIssue(tx, account.id, {
        portalState: 'blocked',
        switchState: 'allowed',
        action: 'reapplied_on_switch',
        // Which block by what staff can see (its reason, the day it was placed), not by its id.
        detail: storeNote('history.syncLateLiftDated', {
          actor: payload.actor,
          reason: switchReason(stillInForce[0].reason),
          placedAt: stillInForce[0].placedAt.getTime(),
        }),
      });
      await tellClosedRequests(tx, account.id, closed);
    } else if (lifted.length) {
      // The account is allowed: an allowance kept on the switch would let calls through the next block.
      const { closed: closedAllowances } = await endAllowancesWithBlock(tx, account, 'block_lifted');
      await queueMailToMembers(tx, account.id, 'block_lifted', {
        blockId: lifted[0].id,
        ...closedIds(closed, closedAllowances),
      });
    }
  });
}

/** A switch's block time within this of the newest block a lift covers is that block (clocks, rounding). */
const SAME_BLOCK_MS = 60_000;

/**
 * Before an old lift is sent (lib/switch/outbox.ts readBeforeResend: older than the switch's key
 * memory), the switch answered that the account is blocked since `blockedAt`: if that is later than
 * every block the lift was decided for (`payload.blockIds`, their `placedAt`, plus SAME_BLOCK_MS; a
 * lift without block ids: its decision, `op.createdAt`), the switch placed a block since whose event
 * has not arrived (a long partition), and the lift would undo it. Then, under the account's lock,
 * every queued lift of the account is withdrawn as a new block's event withdraws it (the blocks it
 * waited on in force again, an approval back in support's queue), and the account is marked for the
 * reconciler, which records the switch's block. Returns true when the lift was withdrawn so (send
 * nothing), false when the block the switch has is one the lift was decided for (send it).
 */
export async function withdrawLiftForNewerBlock(
  op: { id: string; accountNumber: string; payload: string; createdAt: Date },
  blockedAt: Date,
): Promise<boolean> {
  const payload = JSON.parse(op.payload) as LiftPayload;
  return db.$transaction(async (tx) => {
    const account = await tx.customerAccount.findUnique({ where: { number: op.accountNumber } });
    if (!account) return false;
    await lockAccount(tx, account.id);
    const covered = payload.blockIds?.length
      ? await tx.block.findMany({ where: { id: { in: payload.blockIds } }, select: { placedAt: true } })
      : [];
    const newest = covered.length
      ? Math.max(...covered.map((b) => b.placedAt.getTime())) + SAME_BLOCK_MS
      : op.createdAt.getTime();
    if (blockedAt.getTime() <= newest) return false;
    await cancelQueuedLifts(tx, account, 'new_block');
    await tx.customerAccount.update({ where: { id: account.id }, data: { reconcileDue: true } });
    return true;
  });
}

/**
 * What the switch outbox does with the rotation policy's lift (LiftPayload `registrationsRead: false`)
 * once it has read the registrar for every credential of the account and recorded what it saw
 * (lib/blocks/suspects.ts recordSuspects, with the lift's blocks): under the account's lock, the lift
 * `op` is
 * - `withdrawn` when a block it covers (`payload.blockIds`, still open) has a suspect credential
 *   (BlockSuspectCredential) whose password was not changed since that block (lib/blocks/rotation.ts
 *   passwordChangedSince): cancelled as cancelQueuedLifts cancels (cause `suspect_credential`: the
 *   operation `failed` with `superseded: suspect credential not changed since the block`, the blocks
 *   `active` again), never sent; each block's timeline names the credentials in the reader's words
 *   (history.liftWithheldSuspect) and each (block, credential) gets a `block.lift_withheld` audit row.
 *   No mail: "calling is back" is only queued when the switch confirms a lift (confirmLift), and a
 *   policy lift has no approval to reopen. The customer's next password change queues a new lift
 *   (lib/blocks/policy.ts liftIfRotated), read again the same way;
 * - `send` when none has (the payload's `registrationsRead` set true in the same transaction, so a
 *   retry after a timeout, which may have reached the switch, is never withheld), or when another
 *   worker has already checked it (`registrationsRead` not false), or the account is unknown here;
 * - `settled` when the operation is no longer pending (cancelled meanwhile): send nothing.
 * Idempotent: a worker that dies before this commits leaves `registrationsRead` false, and the next
 * claim reads and checks again. `op.attempts` is not looked at: the claim counts one before the read,
 * but a lift whose `registrationsRead` is false was never sent (it is set before the first send).
 */
export async function withholdLiftForSuspects(op: {
  id: string;
  accountNumber: string;
}): Promise<'send' | 'withdrawn' | 'settled'> {
  return db.$transaction(async (tx) => {
    const account = await tx.customerAccount.findUnique({ where: { number: op.accountNumber } });
    if (!account) return 'send';
    await lockAccount(tx, account.id);
    const row = await tx.switchOperation.findUnique({
      where: { id: op.id },
      select: { status: true, payload: true },
    });
    if (!row || row.status !== 'pending') return 'settled';
    const payload = JSON.parse(row.payload) as LiftPayload;
    if (payload.registrationsRead !== false) return 'send';
    const blocks = await tx.block.findMany({
      where: { accountId: account.id, id: { in: payload.blockIds ?? [] }, status: { in: [...OPEN] } },
      orderBy: { placedAt: 'asc' },
      select: {
        id: true,
        createdAt: true,
        suspects: {
          orderBy: { firstSeenAt: 'asc' },
          select: {
            reason: true,
            credential: { select: { id: true, username: true, label: true, passwordChangedAt: true } },
          },
        },
      },
    });
    const held = blocks
      .map((b) => ({ id: b.id, suspects: b.suspects.filter((x) => !passwordChangedSince(x.credential, b)) }))
      .filter((b) => b.suspects.length > 0);
    if (!held.length) {
      await tx.switchOperation.updateMany({
        where: { id: op.id, status: 'pending' },
        data: { payload: JSON.stringify({ ...payload, registrationsRead: true } satisfies LiftPayload) },
      });
      return 'send';
    }
    const notes = new Map(
      held.map((b) => {
        const reasons = new Set(b.suspects.map((x) => x.reason));
        return [
          b.id,
          storeNote('history.liftWithheldSuspect', {
            credentials: b.suspects.map((x) => credentialName(x.credential)).join(', '),
            count: b.suspects.length,
            how: reasons.size === 1 ? [...reasons][0]! : 'both',
          }),
        ] as const;
      }),
    );
    // Never sent (`registrationsRead` is still false): nothing for the reconciler to look at.
    await cancelQueuedLifts(tx, account, 'suspect_credential', [{ id: op.id, attempts: 0 }], false, notes);
    for (const b of held)
      for (const x of b.suspects)
        await audit(
          {
            action: 'block.lift_withheld',
            actor: null,
            accountId: account.id,
            target: { type: 'block', id: b.id },
            detail: { username: x.credential.username },
          },
          tx,
        );
    return 'withdrawn';
  });
}

/**
 * The switch said no to a lift: the blocks that waited for it are in force again, visibly, and an
 * approval that queued it goes back to the queue with the customer told (reopenApprovals).
 */
export async function refuseLift(
  op: { id: string; accountNumber: string; payload: string },
  error: string,
): Promise<void> {
  const payload = JSON.parse(op.payload) as LiftPayload;
  await db.$transaction(async (tx) => {
    const account = await tx.customerAccount.findUnique({ where: { number: op.accountNumber } });
    if (!account) return;
    await lockAccount(tx, account.id);
    if (!(await settlePending(tx, op.id, 'failed', error))) return;
    const waiting = await tx.block.findMany({
      where: {
        accountId: account.id,
        status: 'lift_pending',
        ...(payload.blockIds ? { id: { in: payload.blockIds } } : {}),
      },
      select: { id: true },
    });
    await tx.block.updateMany({
      where: { id: { in: waiting.map((w) => w.id) } },
      data: { status: 'active' },
    });
    for (const w of waiting)
      await event(
        tx,
        w.id,
        'lift_requested',
        'switch',
        storeNote('history.liftRefused', { error: error.slice(0, 200) }),
      );
    await reopenApprovals(
      tx,
      account.id,
      payload.requestId ? [payload.requestId] : [],
      waiting.map((w) => w.id),
      'lift_refused',
      error,
      {}, // request_lift_failed without `withdrawn`: the switch did not lift the block
    );
    // An approval goes back to support's queue above; any other lift (the rotation policy's, after
    // the customer changed every password it asked for, or support's) would otherwise be dropped
    // with nobody asked to look: it is listed under "Out of sync with the switch".
    if (!payload.requestId && waiting.length)
      await openSyncIssue(tx, account.id, {
        // What the portal asked for (the block itself is shown in force again above), not 'allowed':
        // the portal never showed the account allowed.
        portalState: 'lift_requested',
        // What the switch said: a 200 showing international calling still blocked (body_disagrees),
        // else a refusal that says nothing of its state (before 2026-12-07 stored 'blocked' either way).
        switchState: readSwitchError(error).kind === 'disagrees' ? 'blocked' : 'refused',
        action: 'lift_refused',
        detail: storeNote('history.syncLiftRefused', { actor: payload.actor, error: error.slice(0, 200) }),
      });
    await audit(
      {
        action: 'block.lift_refused',
        accountId: account.id,
        target: { type: 'block', id: waiting[0]?.id ?? op.id },
        detail: { error: error.slice(0, 200) },
      },
      tx,
    );
  });
}

// ------------------------------------------------------------------------------------ placing

/**
 * The switch operations that change an account's international calling (lift, manual block,
 * re-apply): while one is pending, the account's state on the switch is about to change, so the
 * reconciler waits for it and support cannot place a manual block. Allowance operations
 * (lib/allowances/operations.ts) change no international-calling state and hold nothing back.
 */
export const CALLING_KINDS = ['lift', 'block', 'reapply'] as const;

/**
 * Support places a manual block: only the operation is recorded; the Block row exists once the switch
 * confirms (no page can show an unconfirmed block as in force). Refused while a block is in force or
 * a change of the account's international calling waits for the switch (CALLING_KINDS).
 */
export async function requestManualBlock(
  tx: Tx,
  account: { id: string; number: string },
  actor: string,
  note: string,
): Promise<{ ok: true; opId: string } | { ok: false; kind: 'block_open' | 'switch_busy' }> {
  await lockAccount(tx, account.id);
  const open = await tx.block.count({ where: { accountId: account.id, status: { in: [...OPEN] } } });
  // A block in force or being lifted: wait for the switch, or work with that block.
  if (open > 0) return { ok: false, kind: 'block_open' };
  // A change of international calling still on its way. An allowance's never holds a block back:
  // one that keeps failing (a switch without the allowance calls) refused every manual block.
  const pending = await tx.switchOperation.count({
    where: { accountNumber: account.number, kind: { in: [...CALLING_KINDS] }, status: 'pending' },
  });
  if (pending > 0) return { ok: false, kind: 'switch_busy' };
  const payload: PlacePayload = { state: 'blocked', reason: 'manual', actor, accountId: account.id, note };
  const op = await tx.switchOperation.create({
    data: {
      idempotencyKey: crypto.randomUUID(),
      nextAttemptAt: sharedNow(), // due on the clock every instance claims by (lib/server/clock.ts)
      kind: 'block',
      accountNumber: account.number,
      payload: JSON.stringify(payload),
    },
  });
  return { ok: true, opId: op.id };
}

async function reapply(
  tx: Tx,
  account: { id: string; number: string },
  block: { id: string; reason: BlockReason },
  why: 'history.reapplyLateLift' | 'history.reapplyReconcile',
) {
  const pending = await tx.switchOperation.count({
    where: { accountNumber: account.number, kind: { in: ['block', 'reapply'] }, status: 'pending' },
  });
  if (pending) return;
  const payload: ReapplyPayload = {
    state: 'blocked',
    reason: block.reason,
    actor: 'tollgate',
    accountId: account.id,
    blockId: block.id,
  };
  await tx.switchOperation.create({
    data: {
      idempotencyKey: crypto.randomUUID(),
      nextAttemptAt: sharedNow(), // due on the clock every instance claims by (lib/server/clock.ts)
      kind: 'reapply',
      accountNumber: account.number,
      blockId: block.id,
      payload: JSON.stringify(payload),
    },
  });
  await event(tx, block.id, 'lift_requested', 'tollgate', storeNote(why));
}

/**
 * The switch confirmed a block placement (manual, or a re-application of a block in force).
 * `switchState` is the account as the switch answered (the PUT's body or a GET): its `blockedAt` is
 * the switch's own time of the block, so the block is ordered against `block.lifted` events on the
 * switch's clock, not the portal's (a portal clock behind the switch's would otherwise let an older
 * lift event lift this newer block). Without it, the portal's time stands in.
 *
 * A manual block's answer dated before the account's last known change (`blockedAt` in an earlier
 * second than `switchChangedAt`) may be the switch's stored answer to a re-sent key, the account
 * lifted since: then nothing is recorded and `need_switch_state` is returned, for the caller to read
 * the account (`GET`) and call again with it as `current`. If the switch still holds that block
 * (blocked, the same `blockedAt` second) it is confirmed in force (a portal clock ahead of the
 * switch's, which stamps the portal's lift confirmations, gets here too); otherwise it is recorded as
 * placed and lifted since (placedThenLifted). Returns `confirmed` once recorded (or already settled).
 *
 * A manual block's answer may describe a block of the switch's own instead (blockedBeforeSupport:
 * the account was already blocked, say by a fraud rule whose event is late, and the switch kept that
 * block's time and reason). That block is what is in force since `blockedAt`: it is shown as the
 * reconciler would show it (showSwitchBlock: its reason, its notice held for its event's calls, staff
 * told under "Out of sync with the switch") unless its event came first; support's block is recorded
 * beside it from now on, with its own notice, so that the rotation policy never lifts the account
 * while support wants it blocked (a manual block needs staff: lib/blocks/policy.ts NEEDS_STAFF).
 * Before, support's block was dated at the switch's time with reason `manual`, and the late fraud
 * event joined it: the customer never learnt which password to change (review of f891c1a).
 */
export async function confirmPlace(
  op: { id: string; accountNumber: string; kind: string; payload: string },
  switchState?: Pick<SwitchAccount, 'blockedAt'> & Partial<Pick<SwitchAccount, 'reason'>>,
  current?: Pick<SwitchAccount, 'internationalCalling' | 'blockedAt'>,
): Promise<'confirmed' | 'need_switch_state'> {
  const payload = JSON.parse(op.payload) as PlacePayload | ReapplyPayload;
  return db.$transaction(async (tx) => {
    await lockAccount(tx, payload.accountId);
    // Settled meanwhile: the switch's event for this very block came before this answer (attachToOwn),
    // or another worker recorded it. Nothing more to record, and no read of the account is needed.
    const row = await tx.switchOperation.findUnique({ where: { id: op.id }, select: { status: true } });
    if (row?.status !== 'pending') return 'confirmed';
    const now = switchState?.blockedAt ? new Date(switchState.blockedAt) : new Date();
    // The switch's last change the portal knows of, before this answer moves the clock.
    const { switchChangedAt: last } = await tx.customerAccount.findUniqueOrThrow({
      where: { id: payload.accountId },
      select: { switchChangedAt: true },
    });
    // A change in the answer's second or later (a lift in the same second counts: the read decides).
    const older =
      op.kind !== 'reapply' &&
      !!switchState?.blockedAt &&
      !!last &&
      last.getTime() >= startOfSecond(now).getTime();
    if (older && !current) return 'need_switch_state';
    const holds =
      current?.internationalCalling === 'blocked' &&
      !!current.blockedAt &&
      startOfSecond(new Date(current.blockedAt)).getTime() === startOfSecond(now).getTime();
    if (!(await settlePending(tx, op.id, 'done'))) return 'confirmed';
    await moveSwitchClock(tx, payload.accountId, now, { switchChangedAt: last });
    // Read after an answer that may be a stored one (an older answer, or any re-send's: the caller
    // reads then), the switch no longer holds this block: it was lifted since.
    if (op.kind !== 'reapply' && current && !holds) {
      const liftedBy = last && last > now ? last : new Date();
      await placedThenLifted(tx, op, payload as PlacePayload, now, liftedBy);
      return 'confirmed';
    }
    if (op.kind === 'reapply') {
      await recordReapplied(tx, payload as ReapplyPayload, now);
      await policyAfterPlacement(tx, payload.accountId);
      return 'confirmed';
    }
    const p = payload as PlacePayload;
    const before = await blockedBeforeSupport(tx, p.accountId, switchState?.reason ?? null, now);
    if (before === 'no') await recordManualBlock(tx, op, p, now);
    else {
      // The switch had a block of its own (blocking a blocked account keeps its time and reason):
      // that block is in force since `now`. Support's is recorded beside it, from this answer on the
      // portal's clock (the switch gave no time for it): the account stays blocked until staff lift it.
      const account = { id: p.accountId, number: op.accountNumber };
      const s = { reason: switchState?.reason ?? null, blockedAt: now.toISOString() };
      if (before === 'unseen') await showSwitchBlock(tx, account, s, now, 'history.followsSwitch');
      await recordManualBlock(tx, op, p, new Date(), undefined, s);
    }
    await policyAfterPlacement(tx, payload.accountId);
    return 'confirmed';
  });
}

/**
 * Whether the switch already had a block of its own when it applied support's manual block, by its
 * answer: blocking an account that is already blocked keeps that block's `blockedAt` and `reason`
 * (docs/switch-api.md part 1), so the answer describes the switch's block, dated `at`, not
 * support's. `shown`: the portal shows it already (a block by the switch placed in `at`'s second,
 * from its event, which came first and was not taken for support's: ownPlacement). `unseen`: not
 * shown yet, and the answer's `reason` is one of the switch's own (CONTRACTS §4) other than `manual`
 * (a fraud rule's block whose event is late; it will come, and joins the block shown now:
 * foundByReconciler). `no`: the block in the answer is support's. A switch block placed by hand with
 * reason `manual` whose event has not come reads `no`: the answer cannot tell it from support's own.
 */
async function blockedBeforeSupport(
  tx: Tx,
  accountId: string,
  reason: string | null,
  at: Date,
): Promise<'no' | 'shown' | 'unseen'> {
  const second = startOfSecond(at);
  const shown = await tx.block.count({
    where: {
      accountId,
      placedBy: 'switch',
      status: { in: [...OPEN] },
      placedAt: { gte: second, lt: new Date(second.getTime() + 1000) },
    },
  });
  if (shown) return 'shown';
  // One of the switch's own reasons (CONTRACTS §4); a reason outside them cannot be told from ours.
  const theirs = (blockReasons as readonly string[]).includes(reason ?? '') && reason !== 'manual';
  return theirs ? 'unseen' : 'no';
}

/**
 * A re-apply the switch confirmed (its operation already settled): the block's timeline says it is
 * placed again at `at` (the switch's `blockedAt`, or the event's time; a later echo of it is matched
 * by this row: ownPlacement), and it is audited.
 */
async function recordReapplied(tx: Tx, p: ReapplyPayload, at: Date): Promise<void> {
  await event(tx, p.blockId, 'placed', 'tollgate', storeNote('history.placedAgain'), at);
  await audit(
    {
      action: 'block.reapplied',
      accountId: p.accountId,
      target: { type: 'block', id: p.blockId },
      detail: { confirmedBy: 'switch' },
    },
    tx,
  );
}

/**
 * A manual block the switch confirmed (its operation already settled), in force since `placedAt`
 * (the switch's `blockedAt`, or its event's time): the block, its `placed` row (by which a later echo
 * is matched: ownPlacement), queued lifts cancelled, allowances ended, the notice to every member,
 * audited. `sourceEventId`: the switch's `block.placed` that confirmed it before its answer came
 * (attachToOwn). `alreadyBlocked`: the switch's own block the answer described instead (confirmPlace,
 * blockedBeforeSupport), kept in the audit row; support's block is then dated by the portal's clock.
 * Returns the block's id.
 */
async function recordManualBlock(
  tx: Tx,
  op: { id: string; accountNumber: string },
  p: PlacePayload,
  placedAt: Date,
  sourceEventId?: string,
  alreadyBlocked?: { reason: string | null; blockedAt: string },
): Promise<string> {
  const block = await tx.block.create({
    data: {
      accountId: p.accountId,
      reason: 'manual',
      status: 'active',
      placedAt,
      placedBy: p.actor,
      note: storePersonText(p.note),
      ...(sourceEventId ? { sourceEventId } : {}),
      events: {
        create: [
          { type: 'placed', at: placedAt, actor: p.actor, detail: storeNote('history.placedBySupport') },
        ],
      },
    },
  });
  await tx.switchOperation.update({ where: { id: op.id }, data: { blockId: block.id } });
  const reopened = await cancelQueuedLifts(
    tx,
    { id: p.accountId, number: op.accountNumber },
    'support_placed',
    undefined,
    true,
  );
  const { closed } = await endAllowancesWithBlock(
    tx,
    { id: p.accountId, number: op.accountNumber },
    'new_block',
  );
  await notice(tx, p.accountId, block.id, closed, 0, reopened);
  await audit(
    {
      action: 'block.placed',
      accountId: p.accountId,
      target: { type: 'block', id: block.id },
      detail: {
        actor: p.actor,
        reason: 'manual',
        confirmedBy: 'switch',
        ...(alreadyBlocked
          ? { switchReason: alreadyBlocked.reason, switchBlockedAt: alreadyBlocked.blockedAt }
          : {}),
      },
    },
    tx,
  );
  return block.id;
}

/**
 * A manual block the switch confirmed with what may be its stored answer for the key (a re-send,
 * or an answer older than the account's last change: its answer was lost, the switch changed the
 * account after applying it, a lift whose event may have arrived first, and the re-sent request got
 * "blocked" from then), while the switch's state read now does not hold it. The switch keeps `blockedAt` while an account stays blocked (docs/switch-api.md part 1),
 * so a change after it was a lift: the block was in force from `placedAt` until `liftedBy` (at the
 * latest). It is kept as history, lifted, with no notice for a block that is over; the reconciler
 * reads the account at its next pass (the switch may have blocked it again since). Before the
 * thirty-sixth session it was shown in force, and the reconciler blocked the account again on the
 * switch, undoing the provider's later lift.
 */
async function placedThenLifted(
  tx: Tx,
  op: { id: string; accountNumber: string },
  p: PlacePayload,
  placedAt: Date,
  liftedBy: Date,
): Promise<void> {
  const block = await tx.block.create({
    data: {
      accountId: p.accountId,
      reason: 'manual',
      status: 'lifted',
      placedAt,
      placedBy: p.actor,
      liftedAt: liftedBy,
      liftedBy: 'switch',
      note: storePersonText(p.note),
      events: {
        create: [
          { type: 'placed', at: placedAt, actor: p.actor, detail: storeNote('history.placedBySupport') },
          { type: 'lifted', at: liftedBy, actor: 'switch', detail: storeNote('history.liftedOnSwitch') },
        ],
      },
    },
  });
  await tx.switchOperation.update({ where: { id: op.id }, data: { blockId: block.id } });
  await tx.customerAccount.update({ where: { id: p.accountId }, data: { reconcileDue: true } });
  // Staff asked for a block that is over: they are told, in "Out of sync with the switch".
  await openSyncIssue(tx, p.accountId, {
    portalState: 'blocked',
    switchState: 'allowed',
    action: 'lifted_on_switch',
    detail: storeNote('history.syncLiftedMeanwhileDated', { actor: p.actor, placedAt: placedAt.getTime() }),
  });
  await audit(
    {
      action: 'block.placed',
      accountId: p.accountId,
      target: { type: 'block', id: block.id },
      detail: {
        actor: p.actor,
        reason: 'manual',
        confirmedBy: 'switch',
        liftedOnSwitchBy: liftedBy.toISOString(),
      },
    },
    tx,
  );
}

/**
 * The rotation policy (lib/blocks/policy.ts liftIfRotated) once a placement for the account has
 * settled. While one waits for the switch, the policy's lift is refused (`switch_busy`), and the reset
 * that completed the rotation checks it only then: before the thirty-third session nothing checked it
 * again, and a block whose every named password was changed stayed in force with nobody asked to look.
 * A new manual block needs staff, so after one is placed this queues nothing.
 */
async function policyAfterPlacement(tx: Tx, accountId: string): Promise<void> {
  await liftIfRotated(tx, accountId);
}

/** The switch refused a placement: nothing is in force; staff see the refusal. A refused re-apply stays out of sync. */
export async function refusePlace(
  op: { id: string; kind: string; payload: string },
  error: string,
): Promise<void> {
  const payload = JSON.parse(op.payload) as PlacePayload | ReapplyPayload;
  await db.$transaction(async (tx) => {
    // Under the account's lock, as an event that confirms this placement settles it (attachToOwn).
    await lockAccount(tx, payload.accountId);
    if (!(await settlePending(tx, op.id, 'failed', error))) return;
    const action = op.kind === 'reapply' ? 'block.reapply_refused' : 'block.place_refused';
    await audit(
      {
        action,
        accountId: payload.accountId,
        target: { type: 'switch_operation', id: op.id },
        detail: { actor: payload.actor, error: error.slice(0, 200) },
      },
      tx,
    );
    if (op.kind === 'reapply')
      await tx.customerAccount.update({ where: { id: payload.accountId }, data: { reconcileDue: true } });
    await policyAfterPlacement(tx, payload.accountId);
  });
}

/**
 * An outcome that may or may not have been applied: the reconciler reads the account at its next pass.
 * Returns whether the portal knows the account (false: nothing was flagged).
 */
export async function markUncertain(accountNumber: string): Promise<boolean> {
  const { count } = await db.customerAccount.updateMany({
    where: { number: accountNumber },
    data: { reconcileDue: true },
  });
  return count > 0;
}

// ------------------------------------------------------------------------------------ reconciliation

export type SyncIssueInput = {
  /** What the portal showed, or `lift_requested`: it asked the switch for a lift the switch refused. */
  portalState: 'blocked' | 'allowed' | 'lift_requested';
  /**
   * What the switch said of the account's international calling: `blocked` or `allowed` (its GET, or
   * the body of its 200); `unknown`: it did not say (no answer to an allowance change Tollgate gave up
   * on, or a refused allowance end whose GET could not tell); `not_found`: it answered 404, it has no
   * such account (lib/blocks/reconcile.ts, `not_on_switch`); `refused`: it answered the change the
   * portal asked for with a refusal (a final 4xx, or a 200 that did not apply it) and said nothing of
   * its state; the `detail` note names its answer (`lift_refused`, `allowance_refused`; since
   * 2026-12-07, before which such a refusal was stored `blocked` or `unknown`). Worded by
   * lib/staff/sync-words.ts.
   */
  switchState: 'blocked' | 'allowed' | 'unknown' | 'not_found' | 'refused';
  action:
    | 'blocked_in_portal'
    | 'reapplied_on_switch'
    | 'lift_refused'
    | 'lifted_on_switch'
    | 'allowance_gave_up'
    | 'allowance_end_refused'
    | 'allowance_refused'
    | 'not_on_switch';
  /** A stored note (lib/i18n/stored.ts storeNote) staff read in their language. */
  detail: string;
};

/**
 * Lists the account under "Out of sync with the switch" for staff (a SyncIssue row, until an agent
 * marks it resolved) and audits it as `reconcile.difference` with the note in English, inside the
 * caller's transaction. For the lifecycle's own differences, and for an allowance change the switch
 * never confirmed (lib/allowances/operations.ts, give-up horizon).
 */
export async function openSyncIssue(tx: Tx, accountId: string, issue: SyncIssueInput): Promise<void> {
  await tx.syncIssue.create({ data: { accountId, ...issue } });
  // The audit log stays English: the stored note in words.
  const detail = { ...issue, detail: storedText(translate('en'), issue.detail) };
  await audit(
    { action: 'reconcile.difference', accountId, target: { type: 'account', id: accountId }, detail },
    tx,
  );
}

/**
 * Shows a block the switch has and the portal did not (`s`, the switch's account: its `reason`, one
 * of the four or else `suspicious_pattern`, and `blockedAt`, the time it took effect; without one,
 * `readAt` stands in), as the reconciler finds it: placed by the switch with no source event, so
 * that its `block.placed`, which may still be on its way with the calls, joins it
 * (foundByReconciler); allowances ended; the notice held for those calls (NOTICE_HOLD_MS); staff told
 * under "Out of sync with the switch" (`blocked_in_portal`). `note`: the block's note, how the portal
 * learnt of it. For the reconciler, and for a manual block's answer that describes the switch's own
 * block (confirmPlace). The caller moves the switch clock. Returns the block's `placedAt`.
 */
async function showSwitchBlock(
  tx: Tx,
  account: { id: string; number: string },
  s: Pick<SwitchAccount, 'reason' | 'blockedAt'>,
  readAt: Date,
  note: 'history.foundBlocked' | 'history.followsSwitch',
): Promise<Date> {
  const reason = (blockReasons as readonly string[]).includes(s.reason ?? '')
    ? (s.reason as BlockReason)
    : 'suspicious_pattern';
  // The switch's time of its block; without one, the read time stands in (the block's placedAt
  // then orders later block.lifted events by the portal's clock: at worst a late lift event of
  // the switch lifts nothing here and the next difference places the block again: blocked wins).
  const placedAt = s.blockedAt ? new Date(s.blockedAt) : readAt;
  const block = await tx.block.create({
    data: {
      accountId: account.id,
      reason,
      placedAt,
      placedBy: 'switch',
      createdAt: sharedNow(), // the rotation policy compares it with passwordChangedAt (lib/blocks/policy.ts)
      note: storeNote(note),
      events: {
        create: [
          { type: 'placed', at: placedAt, actor: 'switch', detail: storeNote('history.followsSwitch') },
        ],
      },
    },
  });
  const { closed } = await endAllowancesWithBlock(tx, account, 'new_block');
  // Held for the switch's block.placed, which may still be on its way with the calls: it ends
  // the hold (attachToFound), else the notice goes out without them after NOTICE_HOLD_MS.
  await notice(tx, account.id, block.id, closed, NOTICE_HOLD_MS);
  await openSyncIssue(tx, account.id, {
    portalState: 'allowed',
    switchState: 'blocked',
    action: 'blocked_in_portal',
    detail: storeNote('history.syncBlockedOnSwitch', { reason: switchReason(s.reason) }),
  });
  return placedAt;
}

export type Reconciled =
  | 'in_sync'
  | 'changed_meanwhile'
  | 'blocked_in_portal'
  | 'difference_seen'
  | 'reapplied_on_switch'
  | 'waiting_for_switch';

/**
 * Compares the portal's view of one account with the switch's GET (read outside this transaction,
 * at `readAt`) and makes "blocked on either side" blocked on both. If anything changed for the
 * account since the read (an event, a confirmation), or a change of its international calling still
 * waits for the switch (CALLING_KINDS; an allowance's operation does not count), nothing is decided now.
 *
 * Switch `allowed` while a block is in force here is first only noted (`difference_seen`): a switch
 * that lifts a block changes its state before its `block.lifted` event arrives, and placing the
 * block again in that gap would undo a lift the switch meant. The block is placed again when the
 * next pass finds the same difference, at least `differenceWaitMs` after the first sighting, and no
 * switch change was applied since that sighting (docs/switch-api.md, part 3). Switch `blocked` while the portal shows no block is followed at
 * once: showing a block the switch has is never wrong.
 */
export async function reconcileAccount(
  accountId: string,
  s: SwitchAccount,
  readAt: Date,
  differenceWaitMs = 0,
): Promise<Reconciled> {
  return db.$transaction(async (tx): Promise<Reconciled> => {
    await lockAccount(tx, accountId);
    const account = await tx.customerAccount.findUniqueOrThrow({ where: { id: accountId } });
    // "Changed since the read" on one clock: both are the portal's (switchChangedAt is the switch's).
    const applied = account.switchAppliedAt;
    if (applied && applied > readAt) return 'changed_meanwhile';
    // Only a change of international calling on its way makes the read moot; an allowance's does not
    // (one retried for ever held every pass back: a lift on the switch whose event was lost never showed).
    const calling = {
      accountNumber: account.number,
      kind: { in: [...CALLING_KINDS] },
      status: 'pending' as const,
    };
    if (await tx.switchOperation.count({ where: calling })) return 'waiting_for_switch';
    const open = await tx.block.findMany({
      where: { accountId, status: { in: [...OPEN] } },
      orderBy: { placedAt: 'desc' },
    });
    const portal = open.length ? 'blocked' : 'allowed';
    let result: Reconciled = 'in_sync';
    if (portal === 'allowed' && s.internationalCalling === 'blocked') {
      const placedAt = await showSwitchBlock(
        tx,
        { id: accountId, number: account.number },
        s,
        readAt,
        'history.foundBlocked',
      );
      // The switch's own time of this block is a change applied here: a block.placed older than it
      // (of a block the switch lifted before placing this one) is then checked against the switch as
      // stale, instead of joining this block with the other block's calls and releasing its notice
      // (review, session 33). Not the read time: that is the portal's clock.
      if (s.blockedAt) await moveSwitchClock(tx, accountId, placedAt, account);
      result = 'blocked_in_portal';
    } else if (portal === 'blocked' && s.internationalCalling === 'allowed') {
      const seen = account.differenceSeenAt;
      const fresh = !seen || (applied !== null && applied > seen);
      if (fresh || readAt.getTime() - seen.getTime() < differenceWaitMs) {
        await tx.customerAccount.update({
          where: { id: accountId },
          data: { differenceSeenAt: fresh ? readAt : seen, reconcileDue: true, lastReconciledAt: readAt },
        });
        return 'difference_seen';
      }
      const newest = open.find((b) => b.status === 'active') ?? open[0];
      await reapply(tx, { id: accountId, number: account.number }, newest, 'history.reapplyReconcile');
      await openSyncIssue(tx, accountId, {
        portalState: 'blocked',
        switchState: 'allowed',
        action: 'reapplied_on_switch',
        detail: storeNote('history.syncAllowedOnSwitch'),
      });
      result = 'reapplied_on_switch';
    }
    await tx.customerAccount.update({
      where: { id: accountId },
      data: { reconcileDue: false, lastReconciledAt: readAt, differenceSeenAt: null },
    });
    return result;
  });
}

// ------------------------------------------------------------------------------------ timeline entries

/** A SIP password of the account was changed: noted on every open block's timeline. */
export async function recordPasswordReset(
  tx: Tx,
  accountId: string,
  actor: string,
  detail: string,
  at: Date,
): Promise<void> {
  const open = await tx.block.findMany({
    where: { accountId, status: { in: [...OPEN] } },
    select: { id: true },
  });
  for (const b of open) await event(tx, b.id, 'password_reset', actor, detail, at);
}

/** A step of an unblock request, on its block's timeline. */
export async function recordRequestStep(
  tx: Tx,
  blockId: string,
  type: 'request_submitted' | 'request_withdrawn' | 'request_approved' | 'request_denied',
  actor: string,
  detail?: string,
): Promise<void> {
  await event(tx, blockId, type, actor, detail);
}

/**
 * The block notice reached the mail server for one recipient. A block the reconciler found whose
 * `block.placed` has not arrived (no source event) was mailed without its calls, after the hold
 * (NOTICE_HOLD_MS) or for a lift: the timeline says so, for the agent the customer calls.
 */
export async function recordNoticeSent(tx: Tx, blockId: string, to: string): Promise<void> {
  const block = await tx.block.findUnique({
    where: { id: blockId },
    select: { placedBy: true, sourceEventId: true },
  });
  const noCalls = block?.placedBy === 'switch' && block.sourceEventId === null;
  const note = noCalls ? 'history.noticeEmailedNoCalls' : 'history.noticeEmailed';
  await event(tx, blockId, 'notice_sent', 'tollgate', storeNote(note, { to }));
}

/**
 * The block notice for `user` (its id, address and whether the login is disabled), a customer login
 * just made a member of account `accountId` (lib/accounts/commands.ts: add-member, create-user
 * --account), queued in the transaction that adds the membership: the account's other members got it
 * when each block was placed (notice(); CONTRACTS §4: every member), and the newcomer signs in to an
 * account blocked with nothing saying why. One per block in force (active, or its lift still on its
 * way), each written on that block's timeline as a notice is (`notice_queued`, history.noticeNewMember
 * naming the address). None for a disabled login (queueMailToMembers passes those over too), nor for a
 * block whose notice was already queued to this address (a member removed and added again; the same
 * add twice): idempotent. A notice still held for the switch's details of the calls (NOTICE_HOLD_MS)
 * is held as long, and released with the others. Takes the account's lock after the membership is
 * written, so a block placed meanwhile either reads the new member or is read here. Returns how many
 * notices it queued.
 */
export async function noticeNewMember(
  tx: Tx,
  accountId: string,
  user: { id: string; email: string; disabled?: boolean },
): Promise<number> {
  if (user.disabled) return 0;
  await lockAccount(tx, accountId);
  const open = await tx.block.findMany({
    where: { accountId, status: { in: [...OPEN] } },
    select: { id: true },
    orderBy: { placedAt: 'asc' },
  });
  let queued = 0;
  for (const { id } of open) {
    const notices = await tx.mailMessage.findMany({
      where: mailAbout('block_notice', id),
      select: { to: true, status: true, attempts: true, sendStartedAt: true, nextAttemptAt: true },
    });
    if (notices.some((m) => m.to.toLowerCase() === user.email.toLowerCase())) continue;
    const now = sharedNow();
    const held = notices
      .filter((m) => m.status === 'pending' && m.attempts === 0 && !m.sendStartedAt && m.nextAttemptAt > now)
      .map((m) => m.nextAttemptAt)
      .sort((a, b) => b.getTime() - a.getTime())[0];
    await queueMailToUsers(
      tx,
      [user],
      'block_notice',
      noticePayload(id, []),
      held ? { holdUntil: held } : {},
    );
    await event(
      tx,
      id,
      'notice_queued',
      'tollgate',
      storeNote('history.noticeNewMember', { to: user.email }),
    );
    queued++;
  }
  return queued;
}

/** Demo data only: a block as the switch placed it, with its calls (lib/demo/seed.ts). */
export async function seedBlock(
  client: Db,
  data: {
    accountId: string;
    reason: BlockReason;
    placedAt: Date;
    sourceEventId: string;
    calls: { at: Date; sipUsername: string; to: string; sourceIp: string; durationSec: number }[];
  },
): Promise<void> {
  await client.$transaction(async (tx) => {
    await lockAccount(tx, data.accountId);
    await tx.block.create({
      data: {
        accountId: data.accountId,
        reason: data.reason,
        placedAt: data.placedAt,
        placedBy: 'switch',
        createdAt: sharedNow(), // the rotation policy compares it with passwordChangedAt (lib/blocks/policy.ts)
        sourceEventId: data.sourceEventId,
        // Each call's host beside its address, as the switch's own INSERT writes it (event-sql.ts).
        calls: { create: data.calls.map((c) => ({ ...c, sourceHost: callHost(c.sourceIp) })) },
        events: {
          create: [
            {
              type: 'placed',
              at: data.placedAt,
              actor: 'switch',
              detail: storeNote('history.fraudMonitoring'),
            },
          ],
        },
      },
    });
    await moveSwitchClock(tx, data.accountId, data.placedAt);
  });
}
