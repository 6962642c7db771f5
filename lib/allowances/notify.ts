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

/**
 * Emails that allowance `allowanceId` did not start (`allowance_not_started`): the switch refused its
 * grant for good, or did not confirm it within ALLOWANCE_GIVE_UP_MS (lib/allowances/operations.ts
 * refused, giveUpAllowanceOperation), in the caller's transaction, which records it `refused`: so it
 * goes once, if and only if that committed. To those who would have read allowance_started: for a
 * customer's request, the customer who asked while still an enabled member (else every member,
 * queueMailToAsker: they were called back and told it would be allowed, and the receipt promised a
 * mail once the switch allows it); for support's grant from the account page, every member (as
 * allowance_started goes to them: support granted it for the account, usually on the phone with it,
 * and silence would leave them waiting for calls that stay blocked). And the agent who decided it
 * while their login is enabled, as for allowance_started. The render words it per recipient and cause
 * (lib/mail/templates/allowance.ts allowanceNotStarted). Returns the number of messages queued.
 */
export async function notifyNotStarted(tx: Tx, allowanceId: string): Promise<number> {
  const a = await tx.destinationAllowance.findUniqueOrThrow({ where: { id: allowanceId } });
  const payload = { allowanceId };
  let queued = a.requestedById
    ? await queueMailToAsker(tx, a.accountId, a.requestedById, 'allowance_not_started', payload)
    : await queueMailToMembers(tx, a.accountId, 'allowance_not_started', payload);
  const agent = a.decidedById ? await tx.user.findUnique({ where: { id: a.decidedById } }) : null;
  if (agent && !agent.disabled) {
    await queueMail(tx, agent.email, 'allowance_not_started', { allowanceId, userId: agent.id });
    queued++;
  }
  return queued;
}
