import 'server-only';
import type { Tx } from '@/lib/server/db';
import { MAIL_PAYLOADS, type MailPayload, type MailTemplate } from '@/lib/mail/payloads';
import { sharedNow } from '@/lib/server/clock';

export type { MailPayload, MailTemplate } from '@/lib/mail/payloads';

/**
 * Writes a message to the mail outbox inside the caller's transaction, so the message exists if and
 * only if the change that causes it committed. The mail worker renders and sends it later.
 * `opts.queuedAt` stamps its `createdAt` (default: now), for a message that must count as queued after
 * a given moment (lib/auth/revoke.ts).
 */
export async function queueMail<T extends MailTemplate>(
  tx: Tx,
  to: string,
  template: T,
  payload: MailPayload<T>,
  opts: { queuedAt?: Date } = {},
): Promise<void> {
  // Throws on a payload that does not fit its template (lib/mail/payloads.ts): a bug, so the change rolls back.
  const checked = MAIL_PAYLOADS[template].parse(payload);
  await tx.mailMessage.create({
    data: {
      to,
      template,
      payload: JSON.stringify(checked),
      nextAttemptAt: sharedNow(), // due on the clock every instance claims by (lib/server/clock.ts)
      ...(opts.queuedAt ? { createdAt: opts.queuedAt } : {}),
    },
  });
}

/** One message per member of the account (each with their own sign-in link where the template has one). */
export async function queueMailToMembers<T extends MailTemplate>(
  tx: Tx,
  accountId: string,
  template: T,
  payload: Omit<MailPayload<T>, 'userId'>,
): Promise<number> {
  // One read (the users, filtered by membership) and one insert, whatever the number of members.
  const members = await tx.user.findMany({
    where: { disabled: false, memberships: { some: { accountId } } },
    select: { id: true, email: true },
  });
  return queueMailToUsers(tx, members, template, payload);
}

/**
 * One message per user of `users` (each with their own sign-in link where the template has one), in
 * one insert; none when the list is empty. For a caller that already read an account's members who
 * receive mail (not disabled) under its lock; else use queueMailToMembers. Returns the number queued.
 */
export async function queueMailToUsers<T extends MailTemplate>(
  tx: Tx,
  users: { id: string; email: string }[],
  template: T,
  payload: Omit<MailPayload<T>, 'userId'>,
): Promise<number> {
  if (!users.length) return 0;
  const check = MAIL_PAYLOADS[template];
  await tx.mailMessage.createMany({
    data: users.map((u) => ({
      to: u.email,
      template,
      payload: JSON.stringify(check.parse({ ...payload, userId: u.id })),
      nextAttemptAt: sharedNow(), // due on the clock every instance claims by (lib/server/clock.ts)
    })),
  });
  return users.length;
}
