import 'server-only';
import type { Tx } from '@/lib/server/db';

/**
 * Templates and the payload each reads (lib/mail/render.ts loads the rest from the database at send time;
 * `userId` picks the recipient's time zone and, for block_notice, whom the sign-in link is bound to):
 * - block_notice {blockId, userId} · block_lifted {blockId, userId}
 * - request_received | request_approved | request_denied {requestId, userId?}
 * - sip_password_changed {credentialId, changedAt (ISO), ip, by, userId}
 * - sign_in_link {sealedUrl, expires}: queued by Auth.js's sendVerificationRequest (lib/auth/email-link-provider.ts)
 * - mfa_locked {userId}: the second factor was locked (lib/auth/mfa/lockout.ts); carries the unlock link
 * How each is retried after a crash is in lib/mail/delivery-policy.ts.
 */
export type MailTemplate = 'block_notice' | 'request_received' | 'request_approved' | 'request_denied' | 'block_lifted' | 'sip_password_changed' | 'sign_in_link' | 'mfa_locked';

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
