import 'server-only';
import type { Tx } from '@/lib/server/db';
import { queueMail, queueMailToMembers } from '@/lib/mail/queue';

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
