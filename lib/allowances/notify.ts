import 'server-only';
import type { Tx } from '@/lib/server/db';
import { queueMail, queueMailToAsker, queueMailToMembers } from '@/lib/mail/queue';

/**
 * Emails the start or the end of an allowance to every member of its account and to the agent who
 * approved or granted it (issue 16: "both sides get an email"), in the caller's transaction.
 */
export async function notifyAllowance(
  tx: Tx,
  allowanceId: string,
  template: 'allowance_started' | 'allowance_ended',
): Promise<void> {
  const a = await tx.destinationAllowance.findUniqueOrThrow({ where: { id: allowanceId } });
  await queueMailToMembers(tx, a.accountId, template, { allowanceId });
  const agent = a.decidedById ? await tx.user.findUnique({ where: { id: a.decidedById } }) : null;
  if (agent && !agent.disabled) await queueMail(tx, agent.email, template, { allowanceId, userId: agent.id });
}

/**
 * Emails an agent's denial of allowance request `a` (`allowance_denied`, with the agent's note) to the
 * customer who asked (`requestedById`) while they are still an enabled member of the account, else to
 * every member (queueMailToAsker, as an unblock request's denial), in the caller's transaction: the
 * decision's, so it goes once if and only if the denial committed. Nothing for an allowance nobody asked
 * for (support's grant). A request Tollgate closed is not mailed here: the block notice of the new block
 * or the "calling is back" mail names it (lib/allowances/operations.ts closeWaitingRequests). Returns
 * the number of messages queued.
 */
export async function notifyDenied(
  tx: Tx,
  a: { id: string; accountId: string; requestedById: string | null },
): Promise<number> {
  if (!a.requestedById) return 0;
  return queueMailToAsker(tx, a.accountId, a.requestedById, 'allowance_denied', { allowanceId: a.id });
}
