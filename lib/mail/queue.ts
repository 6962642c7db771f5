import 'server-only';
import type { Tx } from '@/lib/server/db';
import { MAIL_PAYLOADS, type MailPayload, type MailTemplate } from '@/lib/mail/payloads';

export type { MailPayload, MailTemplate } from '@/lib/mail/payloads';

/**
 * Writes a message to the mail outbox inside the caller's transaction, so the message exists if and
 * only if the change that causes it committed. The mail worker renders and sends it later.
 */
export async function queueMail<T extends MailTemplate>(
  tx: Tx,
  to: string,
  template: T,
  payload: MailPayload<T>,
): Promise<void> {
  // Throws on a payload that does not fit its template (lib/mail/payloads.ts): a bug, so the change rolls back.
  const checked = MAIL_PAYLOADS[template].parse(payload);
  await tx.mailMessage.create({ data: { to, template, payload: JSON.stringify(checked) } });
}

/** One message per member of the account (each with their own sign-in link where the template has one). */
export async function queueMailToMembers<T extends MailTemplate>(
  tx: Tx,
  accountId: string,
  template: T,
  payload: Omit<MailPayload<T>, 'userId'>,
): Promise<number> {
  const members = await tx.membership.findMany({
    where: { accountId, user: { disabled: false } },
    include: { user: { select: { id: true, email: true } } },
  });
  for (const m of members)
    await queueMail(tx, m.user.email, template, { ...payload, userId: m.user.id } as MailPayload<T>);
  return members.length;
}
