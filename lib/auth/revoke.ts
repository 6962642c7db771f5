import 'server-only';
import { Prisma } from '@/lib/generated/sqlite/client';
import type { Tx } from '@/lib/server/db';
import { queueMail } from '@/lib/mail/queue';
import { linkIdentifiers } from '@/lib/mail/link-token';

/** The most second-factor lock mails (the lock's own and those revocations queue) per user and hour. */
export const LOCK_MAILS_PER_HOUR = 3;

/**
 * Moves `email`'s revocation mark (`User.linksRevokedAt`) to `now`, or to 1 ms past the stored mark
 * when that is already `now` or later, and returns the mark as stored after it (`now` when no user has
 * that address). The mark only moves forward: `now` is taken before the statements, which on
 * PostgreSQL may wait for another revocation holding the row; that one can commit a later time first,
 * and writing `now` over it would move the mark back and revive a block notice queued between the two
 * (lib/mail/render.ts compares the notice's `createdAt` with the mark). And every revocation moves it:
 * a sign-in link taken just before and put back after a failed sign-in is put back only if the mark
 * has not moved (lib/auth/link-sign-in.ts restoreLink), so a revocation whose clock is behind the
 * stored mark (another instance) must still move it. Two statements in `client`'s transaction: a
 * no-op `UPDATE … RETURNING` (PostgreSQL, SQLite ≥ 3.35) takes the user row's write lock and reads
 * the mark, then the new mark is written under that lock.
 */
async function moveRevocationMark(client: Tx, email: string, now: Date): Promise<Date> {
  const rows = await client.$queryRaw<{ linksRevokedAt: Date | string | number | bigint | null }[]>(
    Prisma.sql`UPDATE "User" SET "linksRevokedAt" = "linksRevokedAt" WHERE "email" = ${email}
    RETURNING "linksRevokedAt"`,
  );
  if (rows.length === 0) return now;
  const stored = rows[0].linksRevokedAt;
  const mark =
    stored === null || stored === undefined
      ? null
      : new Date(typeof stored === 'bigint' ? Number(stored) : stored);
  const next = mark && mark.getTime() >= now.getTime() ? new Date(mark.getTime() + 1) : now;
  await client.user.updateMany({ where: { email }, data: { linksRevokedAt: next } });
  return next;
}

/**
 * Deletes every outstanding sign-in link of `email` (requested, block notice, second-factor unlock),
 * and marks the moment on the user (`linksRevokedAt`, moved to now but never back:
 * moveRevocationMark): a block notice queued before it and sent later (the mail outbox retries while
 * SMTP is down) goes out without a sign-in link (lib/mail/render.ts), so a revocation cannot be undone
 * by mail still in the queue; a second-factor lock mail likewise, and a user still locked is sent a
 * fresh one (below). The mark is also the epoch of the login's known-device cookies
 * (lib/auth/known-device.ts): every cookie made before it stops counting as a known browser. Called
 * with the transaction of each change that must end them: sign out everywhere (the user's or
 * support's), a portal password change, a second-factor change or reset, a disabled user; a new
 * such change must call it too. Returns how many links were revoked.
 */
export async function revokeSignInLinks(client: Tx, email: string): Promise<number> {
  // The mark as stored: past a later one a concurrent revocation committed first, and the fresh lock
  // mail below is queued after it, whichever it is.
  const at = await moveRevocationMark(client, email, new Date());
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
