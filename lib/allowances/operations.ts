import 'server-only';
import crypto from 'node:crypto';
import { audit } from '@/lib/audit/log';
import { storeNote } from '@/lib/i18n/stored';
import { db, type Tx } from '@/lib/server/db';
import { lockAccount } from '@/lib/server/db/lock';
import type { SwitchClient } from '@/lib/switch/client';
import { isRetryable, type SwitchFailure } from '@/lib/switch/result';
import { answersAccountReads } from '@/lib/switch/answered';
import { storedSwitchError } from '@/lib/switch/error-text';
import { accountBlocked } from './blocked';
import { notifyAllowance, notifyNotStarted } from './notify';
import { sharedNow } from '@/lib/server/clock';
import { cutWhole } from '@/lib/server/control-characters';
import { openSyncIssue } from '@/lib/blocks/lifecycle';
import { NO_CLAIM } from '@/lib/requests/claim-columns';

// Allowance changes go through the switch outbox (SwitchOperation rows), like lifts and manual
// blocks: the row is written in the same transaction as the decision, the runner in
// lib/switch/outbox.ts leases it and hands it here, and this file records the switch's answer.
// An allowance is shown as in force only after the switch's 200 lists it; a refusal is shown as
// refused; no answer keeps the operation pending (same Idempotency-Key on the next attempt): a grant
// up to ALLOWANCE_GIVE_UP_MS, after which it is given up and listed for staff; an end until the
// switch answers, listed for staff once past that horizon (giveUpAllowanceOperation).
// An allowance's end is the switch's: one the switch lists is in force, whatever Tollgate's clock
// says of its `until` (the switch drops expired ones by itself, CONTRACTS §3). So is the answer to an
// end the switch refused: the account's GET says whether the allowance is still there
// (refusedDelete; since 2026-12-06, before which a refused DELETE was only audited).

export const ALLOWANCE_KINDS = ['allowance_put', 'allowance_delete'] as const;
export type AllowanceOpKind = (typeof ALLOWANCE_KINDS)[number];

export type AllowancePutPayload = {
  allowanceId: string;
  accountId: string;
  countries: string[];
  until: string;
  reason: string;
  actor: string;
};
export type AllowanceDeletePayload = {
  allowanceId: string;
  accountId: string;
  country: string;
  actor: string;
  /** Why Tollgate ended it by itself (`endAllowancesWithBlock`); absent when support ended it. */
  cause?: AllowanceEndCause;
  /**
   * ISO 8601: when it was listed for staff as unanswered past ALLOWANCE_GIVE_UP_MS (it is never given
   * up; giveUpAllowanceOperation); absent before then.
   */
  overdueReportedAt?: string;
  /**
   * What the switch's `GET` said of `country` after it refused this DELETE for good (a final 4xx;
   * refusedDelete): `until`, ISO 8601, as the switch lists it, or null when its answer could not tell
   * (no `allowances` field, or the GET itself refused). Written with the op's `failed` status; absent
   * on a DELETE the switch did not refuse, and on one refused before 2026-12-06 (nobody asked).
   */
  stillListed?: { until: string | null };
  /**
   * ISO 8601: when the allowance watch (lib/allowances/expiry.ts) read the switch's GET without the
   * allowance, after this refused DELETE (settleRefusedEnd): the op was then marked `done`, the end
   * true at last. Absent otherwise.
   */
  goneAt?: string;
  /**
   * The id of a later DELETE of the same allowance that settled it (confirmed, found gone, or refused
   * in its turn), when this refusal was marked `done` for it (supersedeRefusals): only the newest
   * refusal of an allowance stands. Absent otherwise.
   */
  supersededBy?: string;
};

/**
 * Why Tollgate ends an allowance without anyone asking: the switch placed a new block (fraud again:
 * an exception granted under the old block must not let the new fraud through), or the block it was
 * granted under is lifted (an exception outliving its block would pass calls through the next one).
 * Stored as the allowance's `endReason`.
 */
export type AllowanceEndCause = 'new_block' | 'block_lifted';

/**
 * The `endReason` of a grant given up (giveUpAllowanceOperation): the switch never answered it within
 * ALLOWANCE_GIVE_UP_MS, so it is stored `refused` although the switch refused nothing. The pages read
 * the pair as given up, not as the switch's refusal (lib/allowances/queries.ts). Rows given up before
 * 2026-12-06 kept the last transport error here instead, and still read as refused.
 */
export const GAVE_UP = 'gave_up';

export const isAllowanceOperation = (op: { kind: string }) =>
  (ALLOWANCE_KINDS as readonly string[]).includes(op.kind);

/** Queues `PUT …/destination-allowances` for an allowance already in status `sending`. */
export async function queueAllowancePut(
  tx: Tx,
  account: { id: string; number: string },
  a: { id: string; country: string; until: Date; reason: string },
  actor: string,
): Promise<void> {
  const payload: AllowancePutPayload = {
    allowanceId: a.id,
    accountId: account.id,
    countries: [a.country],
    until: a.until.toISOString(),
    reason: a.reason,
    actor,
  };
  await tx.switchOperation.create({
    data: {
      idempotencyKey: crypto.randomUUID(),
      kind: 'allowance_put',
      accountNumber: account.number,
      payload: JSON.stringify(payload),
      nextAttemptAt: sharedNow(), // due on the clock every instance claims by (lib/server/clock.ts)
    },
  });
}

/**
 * Queues `DELETE …/destination-allowances/{country}` (staff ends an allowance early, or Tollgate does:
 * `cause`), sent no sooner than `notBefore` (default now).
 */
export async function queueAllowanceDelete(
  tx: Tx,
  account: { id: string; number: string },
  a: { id: string; country: string },
  actor: string,
  opts: { cause?: AllowanceEndCause; notBefore?: Date } = {},
): Promise<void> {
  const payload: AllowanceDeletePayload = {
    allowanceId: a.id,
    accountId: account.id,
    country: a.country,
    actor,
    ...(opts.cause ? { cause: opts.cause } : {}),
  };
  await tx.switchOperation.create({
    data: {
      idempotencyKey: crypto.randomUUID(),
      kind: 'allowance_delete',
      accountNumber: account.number,
      payload: JSON.stringify(payload),
      nextAttemptAt: opts.notBefore ?? sharedNow(),
    },
  });
}

/**
 * Whether a DELETE of the account's `country` allowance (ISO 3166-1 alpha-2) is still waiting in the
 * switch outbox. A grant for that country must wait for it: the outbox runs by due time, not per
 * account, so the new allowance's PUT could reach the switch first, and the DELETE then remove it
 * there while Tollgate showed it in force (review, session 39).
 */
export async function endingOnSwitch(tx: Tx, accountNumber: string, country: string): Promise<boolean> {
  const pending = await tx.switchOperation.findMany({
    where: { kind: 'allowance_delete', status: 'pending', accountNumber },
    select: { payload: true },
  });
  return pending.some((o) => (JSON.parse(o.payload) as AllowanceDeletePayload).country === country);
}

/**
 * Ends every allowance of the account that is in force on the switch or on its way there, inside the
 * caller's transaction (which holds the account's lock): blocks/lifecycle.ts calls it when a new
 * block comes into force and when the account's last block is lifted (`cause`). An allowance is an
 * exception to one block, decided by a person who knew that block; the switch keeps it until its
 * `until` whatever happens to the block, so without this a Somalia allowance granted for block 1
 * let the calls of a new fraud to Somalia through block 2 for up to 72 hours.
 * - in force (`active`): a DELETE is queued; it shows as in force until the switch confirms the end.
 * - on its way (`sending`): its PUT is cancelled and it is recorded as ended (never confirmed in
 *   force); when that PUT may have reached the switch (claimed at least once), a DELETE follows,
 *   no sooner than the lease of a PUT still on the wire runs out, so it cannot overtake that PUT.
 * - for a new block, one whose removal the switch refused and may still have (standingRefusedEnds):
 *   a DELETE is queued again (the switch may take it now; refused again, it is recorded again).
 * Allowances with a DELETE already queued are left to it. Either way it also closes every request
 * still waiting for support (closeWaitingRequests). Returns `ended`, how many were ended or queued,
 * and `closed`, the ids of the requests it closed: the caller's mail names them (the block notice of
 * the new block, or the "calling is back" mail), so their customers learn what became of them.
 */
export async function endAllowancesWithBlock(
  tx: Tx,
  account: { id: string; number: string },
  cause: AllowanceEndCause,
): Promise<{ ended: number; closed: string[] }> {
  const open = await tx.destinationAllowance.findMany({
    where: { accountId: account.id, status: { in: ['sending', 'active'] } },
  });
  const actor = `tollgate:${cause}`;
  const closed = await closeWaitingRequests(tx, account.id, cause);
  let ended = 0;
  for (const a of open) {
    const ops = await tx.switchOperation.findMany({
      where: {
        accountNumber: account.number,
        status: 'pending',
        kind: { in: [...ALLOWANCE_KINDS] },
        payload: { contains: a.id },
      },
    });
    if (ops.some((o) => o.kind === 'allowance_delete')) continue;
    const now = new Date();
    let notBefore = now;
    let reached = a.status === 'active';
    if (a.status === 'sending') {
      for (const put of ops) {
        await tx.switchOperation.updateMany({
          where: { id: put.id, status: 'pending' },
          data: {
            status: 'failed',
            completedAt: now,
            leaseOwner: null,
            leaseUntil: null,
            lastError: `cancelled: ${cause}`, // withdrawn by Tollgate (lib/switch/error-text.ts WITHDRAWN)
          },
        });
        if (put.attempts > 0) reached = true;
        if (put.leaseUntil && put.leaseUntil > notBefore) notBefore = put.leaseUntil;
      }
      // A PUT already settled while this one was read (none pending) may have reached it too.
      if (ops.length === 0) reached = true;
      await tx.destinationAllowance.updateMany({
        where: { id: a.id, status: 'sending' },
        data: { status: 'ended', endedAt: now, endReason: cause },
      });
    }
    if (reached) await queueAllowanceDelete(tx, account, a, actor, { cause, notBefore });
    await audit(
      {
        action: 'allowance.end_requested',
        accountId: account.id,
        target: { type: 'destination_allowance', id: a.id },
        detail: { country: a.country, cause, wasInForce: a.status === 'active', deleteQueued: reached },
      },
      tx,
    );
    ended++;
  }
  // An allowance whose removal the switch refused and may still have (standingRefusedEnds) is an
  // exception to the old block too: a new block asks the switch again to remove it (before
  // 2026-12-06 nothing did, and it could let the new fraud's calls through until its `until`).
  if (cause === 'new_block')
    for (const r of await standingRefusedEnds(new Date(), { accountNumber: account.number, tx })) {
      if (await endingOnSwitch(tx, account.number, r.country)) continue;
      await queueAllowanceDelete(tx, account, { id: r.allowanceId, country: r.country }, actor, { cause });
      await audit(
        {
          action: 'allowance.end_requested',
          accountId: account.id,
          target: { type: 'destination_allowance', id: r.allowanceId },
          detail: { country: r.country, cause, wasInForce: false, deleteQueued: true },
        },
        tx,
      );
    }
  return { ended, closed };
}

/**
 * The allowance requests of an account still waiting for support when its block changes under them
 * (`cause`). Each was asked under a block that no longer decides it, and was left in support's queue
 * while the customer's page said "waiting for support to call you back" for a request nobody could
 * approve (approveAllowance refuses both). Each is closed by Tollgate (no `decidedById`) and audited:
 * - `new_block`: approved now it would be an exception to the new block. Status `denied`, with the
 *   reason the customer reads (`history.allowanceNewBlock`: ask again; support decides it under the
 *   new block); audited `allowance.denied` with `by: tollgate`.
 * - `block_lifted` (the account's last block): every country can be called, so there is nothing to
 *   decide. Status `closed`, `endedAt` now, `endReason` `block_lifted`; audited `allowance.closed`.
 * Either way an agent's claim on it (NO_CLAIM) ends with it: nobody is calling about it any more.
 */
async function closeWaitingRequests(tx: Tx, accountId: string, cause: AllowanceEndCause): Promise<string[]> {
  const waiting = await tx.destinationAllowance.findMany({
    where: { accountId, status: 'requested' },
    select: { id: true, country: true },
  });
  if (!waiting.length) return [];
  const now = new Date();
  await tx.destinationAllowance.updateMany({
    where: { id: { in: waiting.map((w) => w.id) }, status: 'requested' },
    data: {
      ...(cause === 'new_block'
        ? { status: 'denied', decidedAt: now, decisionNote: storeNote('history.allowanceNewBlock') }
        : { status: 'closed', endedAt: now, endReason: cause }),
      ...NO_CLAIM,
    },
  });
  for (const w of waiting)
    await audit(
      {
        action: cause === 'new_block' ? 'allowance.denied' : 'allowance.closed',
        accountId,
        target: { type: 'destination_allowance', id: w.id },
        detail: { country: w.country, cause, by: 'tollgate' },
      },
      tx,
    );
  return waiting.map((w) => w.id);
}

type Op = { id: string; kind: string; accountNumber: string; idempotencyKey: string; payload: string };

/**
 * Sends one claimed allowance operation and records a final answer. Returns 'confirmed' or
 * 'refused' when the switch answered, or the failure when it must be retried later (the runner
 * reschedules it with the same key). A DELETE the switch refused for good is 'confirmed' only when
 * the switch's GET shows the allowance gone anyway (refusedDelete).
 */
export async function sendAllowanceOperation(
  op: Op,
  client: SwitchClient,
): Promise<'confirmed' | 'refused' | SwitchFailure> {
  if (op.kind === 'allowance_put') {
    const p = JSON.parse(op.payload) as AllowancePutPayload;
    const res = await client.putDestinationAllowances(
      op.accountNumber,
      { countries: p.countries, until: p.until, reason: p.reason, actor: p.actor },
      op.idempotencyKey,
    );
    if (!res.ok) {
      if (isRetryable(res)) return res;
      await refused(op, p, storedSwitchError(res));
      return 'refused';
    }
    const listed = res.value.allowances.find((x) => x.country === p.countries[0]);
    if (!listed) {
      await refused(op, p, 'not_in_force: the switch answered 200 without this allowance in force');
      return 'refused';
    }
    // An `until` behind Tollgate's clock is not the switch's word that the allowance is over: the
    // portal's clock may run ahead of the switch's. It may also be the switch's stored answer to a
    // key sent again long after (the allowance expired since): the switch's state now decides.
    if (Date.parse(listed.until) <= Date.now()) {
      const now = await client.getAccount(op.accountNumber);
      if (!now.ok) return now;
      // A switch whose GET lists no allowances cannot say: its PUT answer listing it in force stands
      // (shown in force, a new block ends it: never the other way round).
      const current = now.value.allowances
        ? now.value.allowances.find((x) => x.country === p.countries[0])
        : listed;
      if (!current) {
        await refused(op, p, 'not_in_force: the switch no longer lists this allowance');
        return 'refused';
      }
      await started(op, p, new Date(current.until));
      return 'confirmed';
    }
    await started(op, p, new Date(listed.until));
    return 'confirmed';
  }
  const p = JSON.parse(op.payload) as AllowanceDeletePayload;
  const res = await client.deleteDestinationAllowance(op.accountNumber, p.country, op.idempotencyKey);
  if (!res.ok) {
    if (isRetryable(res)) return res;
    return refusedDelete(op, p, storedSwitchError(res), client);
  }
  await endAllowance(p.allowanceId, p.cause ?? 'ended_by_staff', op);
  return 'confirmed';
}

/**
 * The switch refused a DELETE for good (`error`, a final 4xx: "nothing changed", docs/switch-api.md),
 * so whether the allowance is over is asked of the switch's `GET` of the account:
 * - no final answer (isRetryable): that failure is returned and nothing is recorded; the outbox sends
 *   the DELETE again later with the same Idempotency-Key (the switch answers its stored refusal) and
 *   this asks again.
 * - the switch has no such account (`404`, from a switch that answered an account read within the
 *   hour: lib/switch/answered.ts), or lists `allowances` without `country`: it is not on the switch,
 *   so its end is true. Settled as a confirmed DELETE is (goneFromSwitch): 'confirmed'.
 * - it lists `country` (with its `until`), or cannot tell (an answer without `allowances`, a GET
 *   refused, a 404 from a switch that has answered no account read lately): the switch may still let
 *   calls there through. Recorded (keptOnSwitch): 'refused'.
 */
async function refusedDelete(
  op: Op,
  p: AllowanceDeletePayload,
  error: string,
  client: SwitchClient,
): Promise<'confirmed' | 'refused' | SwitchFailure> {
  const now = await client.getAccount(op.accountNumber);
  if (!now.ok && isRetryable(now)) return now;
  // A 404 is "no such account" only from a switch that answers account reads (lib/switch/
  // answered.ts): a wrong SWITCH_API_URL answers 404 for the DELETE and the GET alike, and its
  // refusal must not read "Ended". Untrusted, it cannot tell; the allowance watch reads it again.
  if (!now.ok && (now.kind !== 'not_found' || !answersAccountReads())) {
    await keptOnSwitch(op, p, error, { until: null, switchState: 'unknown' });
    return 'refused';
  }
  const allowances = now.ok ? now.value.allowances : [];
  const listed = allowances?.find((x) => x.country === p.country);
  if (allowances && !listed) {
    await goneFromSwitch(op, p, error, now.ok ? 'not_listed' : 'no_account');
    return 'confirmed';
  }
  await keptOnSwitch(op, p, error, {
    until: listed ? new Date(listed.until).toISOString() : null,
    switchState: now.ok ? now.value.internationalCalling : 'unknown',
  });
  return 'refused';
}

/**
 * A refused DELETE whose allowance the switch does not have (`why`: it does not list it, or has no
 * such account): the op `done` and, for one still `active`, its end recorded as a confirmed DELETE
 * records it (endLocked, with the op's cause: emails, `allowance.ended`); one Tollgate already ended
 * or gave up stays as it is. The refusal is audited anyway (`allowance.end_refused`, with `error` and
 * `onSwitch`), so staff see what happened. Once (the op must still be pending), under the lock.
 */
async function goneFromSwitch(
  op: Op,
  p: AllowanceDeletePayload,
  error: string,
  why: 'not_listed' | 'no_account',
): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockAccount(tx, p.accountId);
    if (!(await finish(op, 'done', null, tx))) return;
    await audit(
      {
        action: 'allowance.end_refused',
        accountId: p.accountId,
        target: { type: 'destination_allowance', id: p.allowanceId },
        detail: { country: p.country, error: error.slice(0, 200), onSwitch: why },
      },
      tx,
    );
    await supersedeRefusals(tx, op.accountNumber, p.allowanceId, op.id);
    const a = await tx.destinationAllowance.findUnique({ where: { id: p.allowanceId } });
    if (a) await endLocked(tx, a, p.cause ?? 'ended_by_staff');
  });
}

/**
 * A refused DELETE whose allowance the switch still lists until `seen.until` (ISO 8601), or may
 * still have (null: it could not tell): the op `failed` with the switch's `error`, and what the
 * switch said kept in its payload (`stillListed`), which the pages read (lib/allowances/queries.ts):
 * one Tollgate ended does not read "Ended" while the switch may let calls through, one in force says
 * its end was refused. Audited (`allowance.end_refused`: country, error, listedUntil) and the account
 * listed for staff under "Out of sync with the switch" (action `allowance_end_refused`; switch state
 * `seen.switchState`, the GET's international calling), so someone has the switch engineers remove it.
 * Once (the op must still be pending), under the account's lock.
 */
async function keptOnSwitch(
  op: Op,
  p: AllowanceDeletePayload,
  error: string,
  seen: { until: string | null; switchState: 'blocked' | 'allowed' | 'unknown' },
): Promise<void> {
  await keepOnSwitch(op, p, error, seen);
  refusals().recorded++;
}

// How many refused removals this process has recorded (keptOnSwitch), on globalThis: a person's own
// change may send a DELETE from a server action's bundle, the workers from theirs. The allowance watch
// reads the standing ones once per WATCH_EVERY_MS, and at once after this moves.
const gr = globalThis as { __tollgateRefusedEnds?: { recorded: number } };
const refusals = () => (gr.__tollgateRefusedEnds ??= { recorded: 0 });

/**
 * A counter that moves each time this process records a refused removal (an allowance DELETE the
 * switch refused and may still have): the allowance watch (lib/allowances/expiry.ts) reads the
 * standing refused ends again when it differs from the one it last read them at.
 */
export const refusedEndsRecorded = (): number => refusals().recorded;

/** keptOnSwitch's transaction. */
async function keepOnSwitch(
  op: Op,
  p: AllowanceDeletePayload,
  error: string,
  seen: { until: string | null; switchState: 'blocked' | 'allowed' | 'unknown' },
): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockAccount(tx, p.accountId);
    const row = await tx.switchOperation.findUnique({ where: { id: op.id }, select: { payload: true } });
    if (!row || !(await finish(op, 'failed', error, tx))) return;
    const marked: AllowanceDeletePayload = {
      ...(JSON.parse(row.payload) as AllowanceDeletePayload),
      stillListed: { until: seen.until },
    };
    await tx.switchOperation.update({ where: { id: op.id }, data: { payload: JSON.stringify(marked) } });
    await supersedeRefusals(tx, op.accountNumber, p.allowanceId, op.id);
    await audit(
      {
        action: 'allowance.end_refused',
        accountId: p.accountId,
        target: { type: 'destination_allowance', id: p.allowanceId },
        detail: { country: p.country, error: error.slice(0, 200), listedUntil: seen.until },
      },
      tx,
    );
    const values = { country: p.country, actor: p.actor, error: error.slice(0, 200) };
    // One open entry per account and country: a switch that refuses every new block's DELETE again
    // (endAllowancesWithBlock) lists the account once, as docs/switch-api.md says, not once a block.
    const listed = await tx.syncIssue.count({
      where: {
        accountId: p.accountId,
        action: 'allowance_end_refused',
        resolvedAt: null,
        detail: { contains: `"country":${JSON.stringify(p.country)}` },
      },
    });
    if (listed > 0) return;
    await openSyncIssue(tx, p.accountId, {
      portalState: (await accountBlocked(tx, p.accountId)) ? 'blocked' : 'allowed',
      switchState: seen.switchState,
      action: 'allowance_end_refused',
      detail: seen.until
        ? storeNote('history.syncAllowanceEndRefused', { ...values, until: Date.parse(seen.until) })
        : storeNote('history.syncAllowanceEndRefusedUnknown', values),
    });
  });
}

/**
 * A removal the switch refused that the pages still speak of (lib/allowances/queries.ts: "the switch
 * may still have it" of one Tollgate ended or gave up, "its end was refused" of one in force): a
 * failed DELETE whose GET listed the allowance, or could not tell (`stillListed`), not ended again
 * since, whose listed `until` is unknown or still ahead of `now`. `accountNumber`, `country`: what
 * the switch's GET is read for.
 */
export type StandingRefusedEnd = {
  opId: string;
  accountNumber: string;
  accountId: string;
  allowanceId: string;
  country: string;
};

/**
 * The standing refused ends (StandingRefusedEnd) at `now`, at most `max` (default 200), newest first,
 * of every account or of `accountNumber`'s (on its (accountNumber, status) index), read in `tx` when
 * given: failed
 * DELETEs are rare (a final 4xx), and this reads them on the (status, createdAt) index, then their
 * allowances by key. Before 2026-12-06 (evening) nothing read the switch again after a refusal: a
 * refusal whose GET could not tell kept "the switch may still have it" on both pages for good, after
 * the switch's engineers had removed it, and retention kept the row (KEPT_REFUSED_END).
 */
export async function standingRefusedEnds(
  now: Date,
  opts: { max?: number; accountNumber?: string; tx?: Tx } = {},
): Promise<StandingRefusedEnd[]> {
  const q = opts.tx ?? db;
  const ops = await q.switchOperation.findMany({
    where: {
      status: 'failed',
      kind: 'allowance_delete',
      payload: { contains: '"stillListed"' },
      ...(opts.accountNumber ? { accountNumber: opts.accountNumber } : {}),
    },
    select: { id: true, accountNumber: true, payload: true, completedAt: true, createdAt: true },
    // Newest first: a refusal whose `until` has passed stays `failed` until retention deletes it, and
    // must not crowd the newest out of the bound.
    orderBy: { createdAt: 'desc' },
    take: opts.max ?? 200,
  });
  const read = ops.map((op) => ({ op, p: JSON.parse(op.payload) as AllowanceDeletePayload }));
  const open = read.filter(
    ({ p }) =>
      p.stillListed && (p.stillListed.until === null || Date.parse(p.stillListed.until) > now.getTime()),
  );
  if (open.length === 0) return [];
  const allowances = await q.destinationAllowance.findMany({
    where: { id: { in: open.map(({ p }) => p.allowanceId) } },
    select: { id: true, status: true, endedAt: true },
  });
  const byId = new Map(allowances.map((a) => [a.id, a]));
  return open.flatMap(({ op, p }) => {
    const a = byId.get(p.allowanceId);
    const refusedAt = op.completedAt ?? op.createdAt;
    if (!a || (a.endedAt && a.endedAt > refusedAt)) return [];
    return [
      {
        opId: op.id,
        accountNumber: op.accountNumber,
        accountId: p.accountId,
        allowanceId: a.id,
        country: p.country,
      },
    ];
  });
}

/**
 * The switch's GET, read at `readAt`, no longer lists the allowance of refused end `r`
 * (StandingRefusedEnd): its end is true at last. Under the account's lock, once (the op must still
 * be `failed`): the op `done`, with `goneAt`, its refusal kept in `lastError` (the staff account page
 * lists the change with it); audited `allowance.end_confirmed`; and the account's open "Out of sync"
 * entries of refused ends (`allowance_end_refused`) resolved by Tollgate, audited as
 * `reconcile.resolved`, once the account keeps no other refused DELETE with `stillListed` (one may be
 * moot, its `until` passed: its entry is then left for a person, never resolved while one may stand).
 * An allowance still `active` is not ended here: the allowance watch ends the one the same read does
 * not list (watchAllowances). Returns whether it settled it.
 */
export async function settleRefusedEnd(r: StandingRefusedEnd, readAt: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await lockAccount(tx, r.accountId);
    const row = await tx.switchOperation.findFirst({ where: { id: r.opId, status: 'failed' } });
    if (!row) return false;
    const p = JSON.parse(row.payload) as AllowanceDeletePayload;
    const marked: AllowanceDeletePayload = { ...p, goneAt: readAt.toISOString() };
    const moved = await tx.switchOperation.updateMany({
      where: { id: r.opId, status: 'failed' },
      data: { status: 'done', payload: JSON.stringify(marked) },
    });
    if (moved.count !== 1) return false;
    // Ended in Tollgate before, but on the switch until this read (or just before it): the pages'
    // "ended on" is when calls there were blocked again, so it says the switch's removal, not the
    // earlier end the switch refused.
    await tx.destinationAllowance.updateMany({
      where: { id: r.allowanceId, status: { not: 'active' }, endedAt: { lt: readAt } },
      data: { endedAt: readAt },
    });
    await audit(
      {
        action: 'allowance.end_confirmed',
        accountId: r.accountId,
        target: { type: 'destination_allowance', id: r.allowanceId },
        detail: { country: r.country, onSwitch: 'not_listed' },
      },
      tx,
    );
    const others = await tx.switchOperation.count({
      where: {
        accountNumber: r.accountNumber,
        status: 'failed',
        kind: 'allowance_delete',
        payload: { contains: '"stillListed"' },
      },
    });
    if (others > 0) return true;
    const issues = await tx.syncIssue.findMany({
      where: { accountId: r.accountId, action: 'allowance_end_refused', resolvedAt: null },
      select: { id: true },
    });
    const note = `Resolved by Tollgate: the switch no longer lists the allowance (read at ${readAt.toISOString()}).`;
    for (const issue of issues) {
      const won = await tx.syncIssue.updateMany({
        where: { id: issue.id, resolvedAt: null },
        data: { resolvedAt: readAt, resolvedNote: note },
      });
      if (won.count === 1)
        await audit(
          {
            action: 'reconcile.resolved',
            accountId: r.accountId,
            target: { type: 'sync_issue', id: issue.id },
            detail: { note },
          },
          tx,
        );
    }
    return true;
  });
}

/**
 * Marks `done` every earlier refused DELETE (`stillListed`) of allowance `allowanceId` on account
 * `accountNumber`, other than `opId`, the DELETE that settles it now (confirmed, found gone, or
 * refused in its turn: only the newest refusal of an allowance stands), with `supersededBy: opId`,
 * inside the caller's transaction (which holds the account's lock). Before (review, 2026-12-06) a
 * refusal that a later confirmed DELETE overtook stayed `failed` for good: it counted as the
 * account's standing refusal, held its "Out of sync" entry open and, kept by retention with no end,
 * filled the allowance watch's reads. Returns how many it marked.
 */
async function supersedeRefusals(
  tx: Tx,
  accountNumber: string,
  allowanceId: string,
  opId: string,
): Promise<number> {
  const rows = await tx.switchOperation.findMany({
    where: {
      accountNumber,
      status: 'failed',
      kind: 'allowance_delete',
      id: { not: opId },
      AND: [{ payload: { contains: '"stillListed"' } }, { payload: { contains: allowanceId } }],
    },
    select: { id: true, payload: true },
  });
  let marked = 0;
  for (const row of rows) {
    const p = JSON.parse(row.payload) as AllowanceDeletePayload;
    if (p.allowanceId !== allowanceId) continue;
    const next: AllowanceDeletePayload = { ...p, supersededBy: opId };
    const moved = await tx.switchOperation.updateMany({
      where: { id: row.id, status: 'failed' },
      data: { status: 'done', payload: JSON.stringify(next) },
    });
    marked += moved.count;
  }
  return marked;
}

async function finish(
  op: { id: string },
  status: 'done' | 'failed',
  error: string | null,
  tx: Tx | typeof db = db,
): Promise<boolean> {
  const r = await tx.switchOperation.updateMany({
    where: { id: op.id, status: 'pending' },
    data: {
      status,
      completedAt: new Date(),
      leaseOwner: null,
      leaseUntil: null,
      lastError: error === null ? null : cutWhole(error, 500),
    },
  });
  return r.count === 1;
}

async function started(op: Op, p: AllowancePutPayload, until: Date) {
  await db.$transaction(async (tx) => {
    await lockAccount(tx, p.accountId);
    if (!(await finish(op, 'done', null, tx))) return;
    const now = new Date();
    const moved = await tx.destinationAllowance.updateMany({
      where: { id: p.allowanceId, status: 'sending' },
      data: { status: 'active', startedAt: now, until },
    });
    if (moved.count !== 1) return;
    await notifyAllowance(tx, p.allowanceId, 'allowance_started');
    await audit(
      {
        action: 'allowance.started',
        accountId: p.accountId,
        target: { type: 'destination_allowance', id: p.allowanceId },
        detail: { country: p.countries[0], until: until.toISOString(), confirmedBy: 'switch' },
      },
      tx,
    );
  });
}

/**
 * The switch refused a grant for good (`error`: a final 4xx as `<code>: <message>`, or `not_in_force`,
 * a 200 without the country), once (the op must still be pending), under the account's lock: the op
 * `failed`, the allowance `refused` with the error as `endReason`, audited `allowance.refused`. Since
 * 2026-12-06 also, in the same transaction: the people waiting for it are mailed that it did not start
 * (notifyNotStarted; only when this moved the allowance from `sending`), and the account is listed for
 * staff under "Out of sync with the switch" (action `allowance_refused`, switch state `refused`, with
 * the country, who decided it and the switch's error), so that the block page's "Support will follow
 * up" has someone behind it.
 */
async function refused(op: Op, p: AllowancePutPayload, error: string) {
  await db.$transaction(async (tx) => {
    await lockAccount(tx, p.accountId);
    if (!(await finish(op, 'failed', error, tx))) return;
    const moved = await tx.destinationAllowance.updateMany({
      where: { id: p.allowanceId, status: 'sending' },
      data: { status: 'refused', endedAt: new Date(), endReason: cutWhole(error, 500) },
    });
    if (moved.count === 1) await notifyNotStarted(tx, p.allowanceId);
    await audit(
      {
        action: 'allowance.refused',
        accountId: p.accountId,
        target: { type: 'destination_allowance', id: p.allowanceId },
        detail: { country: p.countries[0], error: error.slice(0, 200) },
      },
      tx,
    );
    await openSyncIssue(tx, p.accountId, {
      portalState: (await accountBlocked(tx, p.accountId)) ? 'blocked' : 'allowed',
      // What the switch said: it refused the grant (its answer is in the note), and said nothing of
      // whether the account is blocked. Before 2026-12-07 stored 'unknown', read "no answer".
      switchState: 'refused',
      action: 'allowance_refused',
      detail: storeNote('history.syncAllowancePutRefused', {
        country: p.countries[0],
        actor: p.actor,
        error: error.slice(0, 200),
      }),
    });
  });
}

/** Why an allowance ended (its `endReason`): the switch dropped it, support ended it, or Tollgate did. */
type EndReason = 'expired' | 'ended_on_switch' | 'ended_by_staff' | AllowanceEndCause;

/**
 * An allowance is over: the switch no longer lists it (it expired, or support ended it and the switch
 * confirmed the DELETE). Recorded once (conditional update), with emails to the account's members
 * and the agent who decided it, and an audit row. `op`, when given, is the confirmed DELETE.
 */
export async function endAllowance(
  allowanceId: string,
  endReason: EndReason,
  op?: { id: string },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const a = await tx.destinationAllowance.findUnique({ where: { id: allowanceId } });
    if (!a) return false;
    await lockAccount(tx, a.accountId);
    if (op && (await finish(op, 'done', null, tx))) {
      const { accountNumber } = await tx.switchOperation.findUniqueOrThrow({
        where: { id: op.id },
        select: { accountNumber: true },
      });
      await supersedeRefusals(tx, accountNumber, a.id, op.id);
    }
    return endLocked(tx, a, endReason);
  });
}

/**
 * endAllowance's record of the end of allowance `a`, inside the caller's transaction, which holds the
 * account's lock: nothing unless `a` is still `active`. Returns whether it ended it.
 */
async function endLocked(
  tx: Tx,
  a: { id: string; accountId: string; country: string; until: Date | null },
  endReason: EndReason,
): Promise<boolean> {
  const moved = await tx.destinationAllowance.updateMany({
    where: { id: a.id, status: 'active' },
    data: { status: 'ended', endedAt: new Date(), endReason },
  });
  if (moved.count !== 1) return false;
  // "Calls to X are blocked again" is only true while the account is blocked: once the block is
  // lifted, the end of an allowance changes nothing for the customer, so nobody is emailed.
  const stillBlocked = await accountBlocked(tx, a.accountId);
  if (stillBlocked) await notifyAllowance(tx, a.id, 'allowance_ended');
  await audit(
    {
      action: 'allowance.ended',
      accountId: a.accountId,
      target: { type: 'destination_allowance', id: a.id },
      detail: {
        country: a.country,
        until: a.until?.toISOString(),
        endReason,
        confirmedBy: 'switch',
        emailed: stillBlocked,
      },
    },
    tx,
  );
  return true;
}

/**
 * How long an allowance grant (PUT) is sent again while the switch gives no final answer (a timeout,
 * a `5xx` such as a switch without the allowance calls answering `501` or a proxy's `503`, a body
 * Tollgate cannot read), from when it was queued, in ms: 1 hour. An allowance is asked for a call
 * the customer needs to make within hours (at most MAX_HOURS), so a grant the switch has not
 * confirmed in an hour needs a person; and every re-send stays well within the switch's 24 h memory
 * of Idempotency-Keys (docs/switch-api.md, "Idempotency"), so none is applied twice. An end (DELETE)
 * is never given up: past this horizon it is only listed for staff (giveUpAllowanceOperation). The
 * mail outbox gives up the same way (lib/mail/worker.ts GIVE_UP_AFTER_MS), after a longer horizon.
 */
export const ALLOWANCE_GIVE_UP_MS = 3600_000;

/**
 * After a failed attempt (`failure`, no final answer) of an allowance operation queued longer than
 * ALLOWANCE_GIVE_UP_MS before `now` (ms, the portal's clock, as `createdAt` is written), its error
 * stored as the rest of the outbox stores one (storedSwitchError: with how long the switch asked
 * Tollgate to wait, for a 429 or a 503 with Retry-After):
 * - a PUT is settled for good, under the account's lock: stored `failed` with the last error, the
 *   allowance `refused` with `endReason` GAVE_UP (never shown in force; the pages say the switch did
 *   not confirm it, not that it refused it), and a DELETE queued, since the PUT may have reached the
 *   switch: an allowance nobody shows in force must not let calls through there (a DELETE of one the
 *   switch does not have is a `204`). Audited as `allowance.refused` with `cause` `gave_up` and the
 *   last error, which the SyncIssue's detail names too. Since 2026-12-06 the people waiting for it
 *   are mailed that the switch did not confirm it (notifyNotStarted, in the same transaction, only
 *   when this moved it from `sending`): never "allowed", and that support is checking it.
 *   Returns true: the caller sends nothing more.
 * - a DELETE is never given up (returns false: the caller sends it again, with the backoff). It may
 *   be the only thing that can end an exception live on the switch under a block: the DELETE queued
 *   for a PUT given up (the allowance `refused`) or for a `sending` allowance a new block cancelled
 *   (`ended`) is for an allowance no page shows in force, that the allowance watch does not read and
 *   that support cannot end (lib/allowances/decide.ts ends only `active` ones). Re-sent after the
 *   switch's 24 h key memory it is still safe: a DELETE applied twice removes the same allowance, and
 *   no grant for that country is queued while it waits (endingOnSwitch). Allowance changes hold
 *   neither reconciliation nor manual blocks back, so waiting costs only the retries.
 * Either way the account is listed for staff under "Out of sync with the switch" (SyncIssue, action
 * `allowance_gave_up`, switch state `unknown`), once per operation: an overdue DELETE is marked in
 * its payload (`overdueReportedAt`), so a later failed attempt lists nothing more.
 * Returns false when the operation is still young (the caller reschedules it).
 */
export async function giveUpAllowanceOperation(
  op: Op & { createdAt: Date },
  failure: Pick<SwitchFailure, 'kind' | 'code' | 'message' | 'status' | 'retryAfterMs'>,
  now = Date.now(),
): Promise<boolean> {
  if (now - op.createdAt.getTime() <= ALLOWANCE_GIVE_UP_MS) return false;
  const error = storedSwitchError(failure);
  if (op.kind !== 'allowance_put') {
    await reportOverdueDelete(op, error);
    return false;
  }
  const p = JSON.parse(op.payload) as AllowancePutPayload;
  const country = p.countries[0];
  await db.$transaction(async (tx) => {
    await lockAccount(tx, p.accountId);
    if (!(await finish(op, 'failed', error, tx))) return;
    const moved = await tx.destinationAllowance.updateMany({
      where: { id: p.allowanceId, status: 'sending' },
      data: { status: 'refused', endedAt: new Date(), endReason: GAVE_UP },
    });
    if (moved.count === 1) {
      await queueAllowanceDelete(
        tx,
        { id: p.accountId, number: op.accountNumber },
        { id: p.allowanceId, country },
        'tollgate:gave_up',
      );
      await notifyNotStarted(tx, p.allowanceId);
    }
    await audit(
      {
        action: 'allowance.refused',
        accountId: p.accountId,
        target: { type: 'destination_allowance', id: p.allowanceId },
        detail: { country, error: error.slice(0, 200), cause: GAVE_UP },
      },
      tx,
    );
    await openSyncIssue(tx, p.accountId, {
      portalState: (await accountBlocked(tx, p.accountId)) ? 'blocked' : 'allowed',
      switchState: 'unknown',
      action: 'allowance_gave_up',
      detail: storeNote('history.syncAllowancePutGaveUp', {
        country,
        actor: p.actor,
        hours: ALLOWANCE_GIVE_UP_MS / 3600_000,
        error: error.slice(0, 200),
      }),
    });
  });
  return true;
}

/**
 * A DELETE the switch has not answered within ALLOWANCE_GIVE_UP_MS, still pending and sent again:
 * listed once for staff (the switch may still let calls to that country through), under the account's
 * lock, and marked in its payload (`overdueReportedAt`) so that its later attempts list nothing more.
 */
async function reportOverdueDelete(op: Op, error: string): Promise<void> {
  const p = JSON.parse(op.payload) as AllowanceDeletePayload;
  await db.$transaction(async (tx) => {
    await lockAccount(tx, p.accountId);
    const row = await tx.switchOperation.findUnique({
      where: { id: op.id },
      select: { status: true, payload: true },
    });
    if (row?.status !== 'pending') return;
    const now = JSON.parse(row.payload) as AllowanceDeletePayload;
    if (now.overdueReportedAt) return;
    const marked: AllowanceDeletePayload = { ...now, overdueReportedAt: new Date().toISOString() };
    await tx.switchOperation.updateMany({
      where: { id: op.id, status: 'pending' },
      data: { payload: JSON.stringify(marked) },
    });
    await openSyncIssue(tx, p.accountId, {
      portalState: (await accountBlocked(tx, p.accountId)) ? 'blocked' : 'allowed',
      switchState: 'unknown',
      action: 'allowance_gave_up',
      detail: storeNote('history.syncAllowanceDeleteGaveUp', {
        country: p.country,
        actor: p.actor,
        hours: ALLOWANCE_GIVE_UP_MS / 3600_000,
        error: error.slice(0, 200),
      }),
    });
  });
}
