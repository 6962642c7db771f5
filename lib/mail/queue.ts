import 'server-only';
import type { Tx } from '@/lib/db';

export type MailTemplate = 'block_notice' | 'request_received' | 'request_approved' | 'request_denied' | 'block_lifted' | 'sip_password_changed';

/**
 * Writes a message to the mail outbox inside the caller's transaction, so the message exists if and
 * only if the change that causes it committed. The mail worker renders and sends it later.
 */
export async function queueMail(tx: Tx, to: string, template: MailTemplate, payload: Record<string, unknown>): Promise<void> {
  await tx.mailMessage.create({ data: { to, template, payload: JSON.stringify(payload) } });
}

/** One message per member of the account (each with their own sign-in link where the template has one). */
export async function queueMailToMembers(tx: Tx, accountId: string, template: MailTemplate, payload: Record<string, unknown>): Promise<number> {
  const members = await tx.membership.findMany({ where: { accountId, user: { disabled: false } }, include: { user: { select: { id: true, email: true } } } });
  for (const m of members) await queueMail(tx, m.user.email, template, { ...payload, userId: m.user.id });
  return members.length;
}
