import 'server-only';
import type { Tx } from '@/lib/server/db';
import { queueMail } from '@/lib/mail/queue';
import { linkIdentifiers } from '@/lib/mail/link-token';

/** The most second-factor lock mails (the lock's own and those revocations queue) per user and hour. */
export const LOCK_MAILS_PER_HOUR = 3;

/**
 * Deletes every outstanding sign-in link of `email` (requested, block notice, second-factor unlock),
 * and marks the moment on the user (`linksRevokedAt`): a block notice queued before it and sent later
 * (the mail outbox retries while SMTP is down) goes out without a sign-in link (lib/mail/render.ts), so
 * a revocation cannot be undone by mail still in the queue; a second-factor lock mail likewise, and a
 * user still locked is sent a fresh one (below). Called with the transaction of each change that must
 * end them: sign out everywhere, a portal password change, a second-factor change, a disabled user.
 * Returns how many links were revoked.
 */
export async function revokeSignInLinks(client: Tx, email: string): Promise<number> {
  const at = new Date();
  await client.user.updateMany({ where: { email }, data: { linksRevokedAt: at } });
  const { count } = await client.verificationToken.deleteMany({
    where: { identifier: { in: linkIdentifiers(email) } },
  });
  // A locked second factor's only way out is the emailed unlock link, which this just revoked (or which
  // a mail still queued would have brought back: it is now skipped, lib/mail/render.ts). A user
  // whose factor is still locked gets a fresh unlock mail, queued after the mark, so the revocation
  // does not leave them locked in; the mail is skipped if the lock is gone by the time it is sent.
  // At most LOCK_MAILS_PER_HOUR lock mails an hour, counted in the outbox, so no run of revocations
  // floods the owner with mail (review 9c; since review 11 a session still waiting for its second
  // factor cannot revoke at all). Past it the user waits for the hour, as for any other mail ceiling.
  const locked = await client.user.findFirst({
    where: { email, disabled: false, totpLockedAt: { not: null } },
    select: { id: true },
  });
  const recent = locked
    ? await client.mailMessage.count({
        where: { to: email, template: 'mfa_locked', createdAt: { gt: new Date(at.getTime() - 3600_000) } },
      })
    : 0;
  if (locked && recent < LOCK_MAILS_PER_HOUR)
    await queueMail(
      client,
      email,
      'mfa_locked',
      { userId: locked.id },
      { queuedAt: new Date(at.getTime() + 1) },
    );
  return count;
}
