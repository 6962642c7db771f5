import 'server-only';
import { z } from 'zod';
import { displayEmail } from '@/lib/auth/email-address';
import type { CurrentUser } from '@/lib/auth/session';
import { db, type Tx } from '@/lib/server/db';
import { lockAccount } from '@/lib/server/db/lock';
import { queueMailToAsker, type MailTemplate } from '@/lib/mail/queue';
import { recordRequestStep, requestLift } from '@/lib/blocks/lifecycle';
import { liftRefusal } from '@/lib/blocks/refusals';
import { storeNote, storePersonText } from '@/lib/i18n/stored';
import { done, refuse, staffDecision, type Decision } from '@/lib/server/decide-once';
import { CLOSED_BY_LIFT } from '@/lib/requests/closed';
import { NO_CLAIM } from '@/lib/requests/claim-columns';
import type { Outcome } from '@/lib/server/outcome';
import { postedId, postedList } from '@/lib/server/form-issues';
import { requestFormatTag } from '@/lib/i18n/request-locale';
import { catalogueLocale } from '@/lib/i18n/locales';
import type { LeftWhy } from '@/lib/accounts/left-at';
import { DENIAL_CALLBACKS, denialCallbackNote } from '@/lib/requests/denial-callback';

// Deciding an unblock request. The decision is one conditional update ("only if still pending"):
// of two agents deciding at once exactly one update matches, so exactly one decision, one email and
// at most one lift exist. The lift goes through the switch outbox in the same transaction. Refusals
// are catalogue notes under outcome.decision.* (the action wrapper words them for the agent).

export const approveSchema = z.object({
  requestId: postedId,
  attest: z.literal('on', 'outcome.field.attestCallback'),
  note: z.string().trim().min(5, 'outcome.field.callNote').max(2000),
  /**
   * Posted (`on`) only by the box the request page shows when the sender no longer speaks for the
   * account: "I spoke with a current member of the account, not the person who asked". Needed then
   * (approveRequest), ignored otherwise.
   */
  attestCurrentMember: z.literal('on', 'outcome.field.attestCurrentMember').optional(),
  /** Other blocks of the account the agent reviewed and decided to lift too (a lift is account-wide). */
  'alsoLift[]': postedList().pipe(z.array(postedId).max(50)).optional(),
});

export const denySchema = z.object({
  requestId: postedId,
  denyReason: z.string().trim().min(10, 'outcome.field.denyReason').max(1000),
  /**
   * The callback before the denial, as the agent can truthfully give it: `spoke` ("I spoke with the
   * account holder") or `unreached` ("I called and could not reach them"); required, as approve's
   * `attest` is (lib/requests/denial-callback.ts). denyRequest checks it again for callers that skip
   * this schema.
   */
  callback: z.enum(DENIAL_CALLBACKS, 'outcome.field.denyCallback'),
});

/** The block's state after a decision, and whether a lift is on its way to the switch. */
export type Decided = { blockStatus: 'active' | 'lift_pending' | 'lifted'; liftQueued: boolean };

/**
 * A decision's Outcome: not_found for an unknown request; conflict `outcome.decision.alreadyDecided`
 * when someone else decided first; conflict `outcome.decision.liftOnItsWay` when an approval or a
 * denial finds the block already being lifted (decide after the switch answers); success with note
 * `outcome.decision.alreadyLifted` and `blockStatus: 'lifted'` when its block was already lifted (the
 * request is closed, nothing approved or denied); conflict `outcome.decision.liftRefused` when the
 * lift an approval implies is refused (nothing of the approval stays). An approval closes its request
 * before the switch answers; if the switch refuses its lift (or a new block cancels it), the
 * lifecycle puts the request back to pending and tells the customer (lib/blocks/lifecycle.ts,
 * reopenApprovals).
 */
export type DecideOutcome = Outcome<Decided>;

const load = (input: { requestId: string }) =>
  db.unblockRequest.findUnique({ where: { id: input.requestId }, include: { block: true } });
type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;

/**
 * Why the person who asked (an unblock request's sender, an allowance's asker) no longer speaks for the
 * account, as lib/requests/detail.ts `senderLeft.why` says it: `removed` (no longer a member of it),
 * `disabled` (their login is disabled), `deleted` (their login no longer exists).
 */
export type AskerGone = LeftWhy | 'deleted';

/**
 * Whether user `askerId` still speaks for account `accountId`, read in the caller's transaction: null
 * while they are a member of it with a login that is not disabled, else `why` not (AskerGone) and
 * `who` (their address as displayEmail writes it; '' when their login is gone). One statement on the
 * user's primary key and the membership's (userId, accountId) key. Call it under the account's lock
 * (lockAccount): the operator's remove-member takes that lock too, so no removal commits between this
 * read and the decision's commit. A "Disable login" does not take it; one that commits in that
 * instant is taken as coming after the decision.
 */
export async function askerGone(
  tx: Tx,
  accountId: string,
  askerId: string,
): Promise<{ why: AskerGone; who: string } | null> {
  const u = await tx.user.findUnique({
    where: { id: askerId },
    select: {
      email: true,
      disabled: true,
      memberships: { where: { accountId }, select: { id: true }, take: 1 },
    },
  });
  if (!u) return { why: 'deleted', who: '' };
  if (!u.memberships.length) return { why: 'removed', who: displayEmail(u.email) };
  return u.disabled ? { why: 'disabled', who: displayEmail(u.email) } : null;
}

/**
 * The refusal of an approval on the word of someone who no longer speaks for the account (`gone`, as
 * askerGone says it): conflict `key` with values `who` and `why`, and, when `field` is given, the field
 * error `outcome.field.attestCurrentMember` on it (the box "I spoke with a current member of the
 * account, not the person who asked"). A conflict because the page may have been drawn before they
 * left: the action then draws it again (lib/requests/actions.ts `decided`, lib/switch/send-soon.ts
 * refreshesAccountPage), and it says who left (and offers the box). Nothing of the approval stays
 * (decideOnce rolls the transaction back).
 */
export const askerGoneRefusal = <T>(
  gone: { why: AskerGone; who: string },
  key: string,
  field?: string,
): Decision<T> =>
  refuse(
    'conflict',
    key,
    gone,
    field ? { fieldErrors: { [field]: [{ key: 'outcome.field.attestCurrentMember' }] } } : {},
  );

/** Mails the decision to whoever asked, while still a member (else every member): queueMailToAsker. */
const notifySubmitter = (
  tx: Tx,
  r: { submittedById: string; accountId: string; id: string },
  template: MailTemplate,
) => queueMailToAsker(tx, r.accountId, r.submittedById, template, { requestId: r.id });

/**
 * The claim both decisions share: a conditional update of the still-pending row, so of two agents
 * at once exactly one wins (null). The loser gets a refusal naming the status it found, and its
 * attempt is audited as request.decision_conflict. Whoever had taken the request (lib/requests/claim.ts,
 * a soft claim that a decision does not need) holds it no longer: the decision ends that claim.
 */
async function lostClaim(
  tx: Tx,
  r: Loaded,
  user: CurrentUser,
  decision:
    | { status: 'approved'; decisionNote: string }
    | { status: 'denied'; denyReason: string; decisionNote: string },
): Promise<Decision<Decided> | null> {
  const won = await tx.unblockRequest.updateMany({
    where: { id: r.id, status: 'pending' },
    data: { ...decision, openKey: null, decidedAt: new Date(), decidedById: user.id, ...NO_CLAIM },
  });
  if (won.count === 1) return null;
  return decidedFirst(tx, r, decision.status === 'approved' ? 'approve' : 'deny');
}

/**
 * What the loser of a claim is told happened, from the row the winner left: `status` is `approved`,
 * `denied` or `withdrawn` with `by` (the address, as displayEmail shows it, of the agent who decided
 * or the customer who withdrew), `closedByLift` when a lift closed it (no one decided: the switch or
 * staff lifted the block meanwhile, lib/blocks/lifecycle.ts closeRequestsOf), else `other`.
 */
async function whatHappened(tx: Tx, id: string): Promise<{ status: string; by: string }> {
  const now = await tx.unblockRequest.findUnique({
    where: { id },
    select: { status: true, decidedById: true },
  });
  if (now?.status === 'withdrawn' && !now.decidedById) return { status: 'closedByLift', by: '' };
  const by = now?.decidedById
    ? await tx.user.findUnique({ where: { id: now.decidedById }, select: { email: true } })
    : null;
  if (!now || !by || !['approved', 'denied', 'withdrawn'].includes(now.status))
    return { status: 'other', by: '' };
  return { status: now.status, by: displayEmail(by.email) };
}

/**
 * The refusal of whoever lost the claim: what happened to the request (whatHappened: who approved,
 * denied or withdrew it, or that a lift closed it), audited as a conflict whose detail says what the
 * loser `attempted` and what they found (`found`, `by`), so the log answers "who tried to deny it
 * after it was approved?" without the request's other rows.
 */
async function decidedFirst(tx: Tx, r: Loaded, attempted: 'approve' | 'deny'): Promise<Decision<Decided>> {
  const happened = await whatHappened(tx, r.id);
  const target = { type: 'unblock_request', id: r.id };
  const detail = { attempted, found: happened.status, by: happened.by || null };
  const audit = { action: 'request.decision_conflict', accountId: r.accountId, target, detail } as const;
  return refuse('conflict', 'outcome.decision.alreadyDecided', happened, { audit });
}

/**
 * An approval of a request whose block is already lifted: there is nothing to approve, and the request
 * is closed as a lift closes it (withdrawn, "closed without a decision: the block was lifted"; no mail,
 * the customer had the block_lifted one). A lift closes its block's requests in its own transaction, so
 * this only meets a request that was left open some other way; leaving it pending would keep it in the
 * queue with no decision that could ever succeed. Someone else deciding first still wins (conflict).
 */
async function closeLifted(tx: Tx, r: Loaded, attempted: 'approve' | 'deny'): Promise<Decision<Decided>> {
  const closed = await tx.unblockRequest.updateMany({
    where: { id: r.id, status: 'pending' },
    data: {
      status: 'withdrawn',
      openKey: null,
      decidedAt: new Date(),
      decisionNote: CLOSED_BY_LIFT,
      ...NO_CLAIM,
    },
  });
  if (closed.count !== 1) return decidedFirst(tx, r, attempted);
  const target = { type: 'unblock_request', id: r.id };
  const detail = { blockId: r.blockId, kind: r.kind, attempted };
  return done(
    { action: 'request.closed_block_lifted', accountId: r.accountId, target, detail },
    'outcome.decision.alreadyLifted',
    { blockStatus: 'lifted', liftQueued: false },
  );
}

/**
 * Approves a pending request after the agent attests the callback; lifts its block (and those ticked)
 * through the outbox, and mails the submitter that the lift is on its way. Refused while a lift of the
 * block is already on its way (nothing of the approval stays); a block already lifted closes the
 * request instead (closeLifted: success with `blockStatus: 'lifted'`, note outcome.decision.alreadyLifted).
 * When the sender no longer speaks for the account (askerGone, read under the account's lock: removed
 * from it, login disabled or gone, even after the page was drawn), the approval also needs
 * `attestCurrentMember: 'on'` (the agent spoke with a current member, whom the note names); without
 * it, conflict `outcome.decision.senderLeft` (values `who`, `why`) with the same refusal on the field
 * `attestCurrentMember`, and nothing changes. The audit row of such an approval adds `senderLeft`
 * (AskerGone) and `attestedCurrentMember: true`.
 */
export const approveRequest = staffDecision(
  load,
  async (tx, r, input: z.output<typeof approveSchema>, user): Promise<Decision<Decided>> => {
    // The block's status is read under the account's lock, before the claim (the lifecycle takes the
    // lock first and then closes requests, so the same order here cannot deadlock with it).
    await lockAccount(tx, r.accountId);
    const before = await tx.block.findUniqueOrThrow({ where: { id: r.blockId }, select: { status: true } });
    if (before.status === 'lifted') return closeLifted(tx, r, 'approve');
    const lost = await lostClaim(tx, r, user, {
      status: 'approved',
      decisionNote: storePersonText(input.note),
    });
    if (lost) return lost;
    // A lift of this block is already on its way (say the rotation policy's): an approval now would
    // queue nothing of its own and be lost if the switch refused that lift. The agent decides after
    // the switch answers: a confirmed lift closes the request by itself, a refused one leaves the
    // block in force and the request pending.
    if (before.status === 'lift_pending') return refuse('conflict', 'outcome.decision.liftOnItsWay');
    // The sender may have been removed (or their login disabled) since they asked, or since the page
    // was drawn: their word alone lifts nothing. Read under the account's lock, as a removal takes it.
    const senderLeft = await askerGone(tx, r.accountId, r.submittedById);
    if (senderLeft && input.attestCurrentMember !== 'on')
      return askerGoneRefusal(senderLeft, 'outcome.decision.senderLeft', 'attestCurrentMember');
    // A lift is account-wide: it may only cover blocks the agent has looked at, and never a manual one.
    const lift = await requestLift(tx, {
      accountId: r.accountId,
      blockIds: [r.blockId, ...(input['alsoLift[]'] ?? [])],
      actor: user.email,
      reason: `Unblock request approved by support after a call with the account holder (${r.kind})`,
      by: 'request',
      requestId: r.id,
    });
    if (!lift.ok)
      return refuse('conflict', 'outcome.decision.liftRefused', {
        refusal: liftRefusal(lift, {
          ...user,
          formatTag: await requestFormatTag(catalogueLocale(user.locale), user),
        }),
      });
    const step = storeNote('history.approvedAfterCall');
    await recordRequestStep(tx, r.blockId, 'request_approved', user.email, step);
    const block = await tx.block.findUniqueOrThrow({ where: { id: r.blockId }, select: { status: true } });
    // This approval queued the lift (requestLift succeeded), so "we are lifting the block now" is true.
    const liftQueued = block.status === 'lift_pending';
    if (liftQueued) await notifySubmitter(tx, r, 'request_approved');
    // The blocks the lift covers besides this one, each once (requestLift's list, not the form's).
    const alsoLifted = lift.blockIds.filter((id) => id !== r.blockId);
    const detail = {
      blockId: r.blockId,
      alsoLifted,
      kind: r.kind,
      attestedCallback: true,
      note: input.note,
      liftQueued,
      // Approved on a current member's word, the sender having left: the note names whom the agent called.
      ...(senderLeft ? { senderLeft: senderLeft.why, attestedCurrentMember: true } : {}),
    };
    const target = { type: 'unblock_request', id: r.id };
    return done({ action: 'request.approved', accountId: r.accountId, target, detail }, undefined, {
      blockStatus: block.status,
      liftQueued,
    });
  },
);

/**
 * Denies a pending request with a reason the customer reads (email and block page); the block stays.
 * The denial records the callback the customer was promised ("Support will call you back before
 * deciding"): `input.callback` `spoke` (the agent spoke with the account holder) or `unreached` (they
 * called and could not reach them), kept as the request's decisionNote (lib/requests/denial-callback.ts)
 * that the denial mail and the block page put in words, and in the audit row as `callback` (with
 * `attestedCallback`, true only for `spoke`). Without either it is refused as invalid (`fieldErrors.callback`:
 * outcome.field.denyCallback) before anything is written: nothing changes, nothing is mailed.
 * Like an approval, refused while a lift of the block is on its way (the customer would read "denied"
 * and then "lifted"), and a block already lifted closes the request instead ("stays blocked" would be
 * false).
 */
export const denyRequest = staffDecision(
  load,
  async (tx, r, input: z.output<typeof denySchema>, user): Promise<Decision<Decided>> => {
    // The schema requires it; a caller that skips the schema (a test, a script) is held to it too.
    if (!DENIAL_CALLBACKS.includes(input.callback))
      return refuse('invalid', 'outcome.correctFields', undefined, {
        fieldErrors: { callback: [{ key: 'outcome.field.denyCallback' }] },
      });
    // Read under the account's lock, as approveRequest does: a lift cannot start or end meanwhile.
    await lockAccount(tx, r.accountId);
    const before = await tx.block.findUniqueOrThrow({ where: { id: r.blockId }, select: { status: true } });
    if (before.status === 'lifted') return closeLifted(tx, r, 'deny');
    const lost = await lostClaim(tx, r, user, {
      status: 'denied',
      denyReason: input.denyReason,
      decisionNote: denialCallbackNote(input.callback),
    });
    if (lost) return lost;
    if (before.status === 'lift_pending') return refuse('conflict', 'outcome.decision.liftOnItsWay');
    // On the block's timeline too, as an approval's "after a call" is.
    const called = denialCallbackNote(input.callback);
    await recordRequestStep(tx, r.blockId, 'request_denied', user.email, called);
    await notifySubmitter(tx, r, 'request_denied');
    const detail = {
      blockId: r.blockId,
      kind: r.kind,
      callback: input.callback,
      attestedCallback: input.callback === 'spoke',
      denyReason: input.denyReason,
    };
    const target = { type: 'unblock_request', id: r.id };
    return done({ action: 'request.denied', accountId: r.accountId, target, detail }, undefined, {
      blockStatus: before.status,
      liftQueued: false,
    });
  },
);
