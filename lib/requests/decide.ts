import 'server-only';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db, type Tx } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { queueMail, queueMailToMembers, type MailTemplate } from '@/lib/mail/queue';
import { recordRequestStep, requestLift } from '@/lib/blocks/lifecycle';
import { liftRefusalMessage } from '@/lib/blocks/refusals';

// Deciding an unblock request. The decision is one conditional update ("only if still pending"):
// of two agents deciding at once exactly one update matches, so exactly one decision, one email and
// at most one lift exist. The lift goes through the switch outbox in the same transaction.

const requestId = z.string().min(1).max(64);

export const approveSchema = z.object({
  requestId,
  attest: z.literal('on', 'Confirm that you spoke with the account holder before approving.'),
  note: z.string().trim().min(5, 'Write a note: what the account holder told you on the call.').max(2000),
  /** Other blocks of the account the agent reviewed and decided to lift too (a lift is account-wide). */
  'alsoLift[]': z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().min(1).max(64)).max(50))
    .optional(),
});

export const denySchema = z.object({
  requestId,
  denyReason: z
    .string()
    .trim()
    .min(10, 'Tell the customer why, in a sentence they will read in the email.')
    .max(1000),
});

export type DecideOutcome =
  | { ok: true; blockStatus: 'active' | 'lift_pending' | 'lifted'; liftQueued: boolean }
  | { ok: false; kind: 'not_found' }
  | { ok: false; kind: 'already_decided'; status: string }
  | { ok: false; kind: 'conflict'; message: string };

type Decided = Exclude<DecideOutcome, { kind: 'not_found' }>;

const load = (id: string) =>
  db.unblockRequest.findUnique({ where: { id }, include: { block: true, account: true } });

async function notifySubmitter(
  tx: Tx,
  r: { submittedById: string; accountId: string; id: string },
  template: MailTemplate,
) {
  const submitter = await tx.user.findUnique({ where: { id: r.submittedById } });
  if (submitter && !submitter.disabled)
    await queueMail(tx, submitter.email, template, { requestId: r.id, userId: submitter.id });
  else await queueMailToMembers(tx, r.accountId, template, { requestId: r.id });
}

async function lost(tx: Tx, id: string): Promise<Decided> {
  const now = await tx.unblockRequest.findUnique({ where: { id }, select: { status: true } });
  return { ok: false, kind: 'already_decided', status: now?.status ?? 'unknown' };
}

type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;

/**
 * The frame of both decisions: staff only, the request must exist (else not_found), and only the
 * first decision wins: a conditional update of the still-pending row, then `apply` in the same
 * transaction. A loser gets already_decided (and an audit row); a Refused thrown by `apply` rolls
 * the whole decision back and comes out as a conflict with its message.
 */
async function decide(
  user: CurrentUser,
  id: string,
  meta: RequestMeta,
  decision: { status: 'approved'; decisionNote: string } | { status: 'denied'; denyReason: string },
  apply: (tx: Tx, r: Loaded) => Promise<Decided>,
): Promise<DecideOutcome> {
  assertStaff(user);
  const r = await load(id);
  if (!r) return { ok: false, kind: 'not_found' };
  const outcome = await db
    .$transaction(async (tx): Promise<Decided> => {
      const won = await tx.unblockRequest.updateMany({
        where: { id: r.id, status: 'pending' },
        data: { ...decision, openKey: null, decidedAt: new Date(), decidedById: user.id },
      });
      if (won.count !== 1) return lost(tx, r.id);
      return apply(tx, r);
    })
    .catch((e: unknown) => {
      if (e instanceof Refused) return { ok: false as const, kind: 'conflict' as const, message: e.message };
      throw e;
    });
  if (!outcome.ok && outcome.kind === 'already_decided') await auditLost(user, r, meta);
  return outcome;
}

/** Rolls the approval back: nothing of it may stay when the lift cannot be decided. */
class Refused extends Error {}

export async function approveRequest(
  user: CurrentUser,
  input: z.output<typeof approveSchema>,
  meta: RequestMeta,
): Promise<DecideOutcome> {
  return decide(
    user,
    input.requestId,
    meta,
    { status: 'approved', decisionNote: input.note },
    async (tx, r) => {
      const wasActive = r.block.status === 'active';
      if (wasActive) {
        // A lift is account-wide: it may only cover blocks the agent has looked at, and never a manual one.
        const lift = await requestLift(tx, {
          accountId: r.accountId,
          blockIds: [r.blockId, ...(input['alsoLift[]'] ?? [])],
          actor: user.email,
          reason: `Unblock request approved by support after a call with the account holder (${r.kind})`,
          by: 'request',
        });
        if (!lift.ok) throw new Refused(liftRefusalMessage(lift, 'The request is still pending.'));
      }
      await recordRequestStep(
        tx,
        r.blockId,
        'request_approved',
        user.email,
        'Support called the account holder back and approved the request.',
      );
      const block = await tx.block.findUniqueOrThrow({ where: { id: r.blockId }, select: { status: true } });
      const liftQueued = wasActive && block.status === 'lift_pending';
      await notifySubmitter(tx, r, 'request_approved');
      await audit(
        {
          action: 'request.approved',
          actor: user,
          accountId: r.accountId,
          target: { type: 'unblock_request', id: r.id },
          detail: {
            blockId: r.blockId,
            alsoLifted: input['alsoLift[]'] ?? [],
            kind: r.kind,
            attestedCallback: true,
            note: input.note,
            liftQueued,
          },
          meta,
        },
        tx,
      );
      return { ok: true, blockStatus: block.status, liftQueued };
    },
  );
}

export async function denyRequest(
  user: CurrentUser,
  input: z.output<typeof denySchema>,
  meta: RequestMeta,
): Promise<DecideOutcome> {
  return decide(
    user,
    input.requestId,
    meta,
    { status: 'denied', denyReason: input.denyReason },
    async (tx, r) => {
      await recordRequestStep(tx, r.blockId, 'request_denied', user.email);
      await notifySubmitter(tx, r, 'request_denied');
      await audit(
        {
          action: 'request.denied',
          actor: user,
          accountId: r.accountId,
          target: { type: 'unblock_request', id: r.id },
          detail: { blockId: r.blockId, kind: r.kind, denyReason: input.denyReason },
          meta,
        },
        tx,
      );
      return { ok: true, blockStatus: r.block.status, liftQueued: false };
    },
  );
}

/** The losing half of a race is recorded too: who tried to decide what, and was told it was decided. */
function auditLost(user: CurrentUser, r: { id: string; accountId: string }, meta: RequestMeta) {
  return audit({
    action: 'request.decision_conflict',
    actor: user,
    accountId: r.accountId,
    target: { type: 'unblock_request', id: r.id },
    meta,
  });
}
