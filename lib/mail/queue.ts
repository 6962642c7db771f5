import 'server-only';
import { Prisma } from '@/lib/generated/sqlite/client';
import type { Tx } from '@/lib/server/db';
import { MAIL_PAYLOADS, type MailPayload, type MailTemplate, type SecurityChange } from '@/lib/mail/payloads';
import { sharedNow } from '@/lib/server/clock';
import { newRowId } from '@/lib/server/row-id';

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

/**
 * When a queued message may first be sent. `holdUntil`: not before then (a time on the shared clock,
 * sharedNow() plus the hold, so every instance reads the same due time); until then
 * releaseHeldMail can make it due early. Default: due at once.
 */
export type QueueOptions = { holdUntil?: Date };

/**
 * Tells `user` by mail that `change` was made to how their login signs in, now, from `ip` (the
 * request's client address): the security_change template (lib/mail/templates/security-change.ts),
 * in the caller's transaction, so it goes if and only if the change committed.
 */
export async function queueSecurityChange(
  tx: Tx,
  user: { id: string; email: string },
  change: SecurityChange,
  ip: string | null | undefined,
): Promise<void> {
  await queueMail(tx, user.email, 'security_change', {
    userId: user.id,
    change,
    at: new Date().toISOString(),
    ip: ip ?? null,
  });
}

/** One message per member of the account (each with their own sign-in link where the template has one). */
export async function queueMailToMembers<T extends MailTemplate>(
  tx: Tx,
  accountId: string,
  template: T,
  payload: Omit<MailPayload<T>, 'userId'>,
  opts: QueueOptions = {},
): Promise<number> {
  // One read and one insert, whatever the number of members. The read starts from the account's
  // memberships (their accountId index), each user by its key: filtering the users by
  // `memberships: { some }` instead is an EXISTS per user, which SQLite answers by walking every login
  // of the provider (34 ms of CPU at 100 000, inside the caller's write transaction; bench/README.md,
  // thirty-first session). In the order the logins were made (on SQLite, the walk's own order).
  const members = await tx.$queryRaw<{ id: string; email: string }[]>`
    SELECT u."id", u."email" FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
    WHERE m."accountId" = ${accountId} AND u."disabled" = false
    ORDER BY u."createdAt", u."id"`;
  return queueMailToUsers(tx, members, template, payload, opts);
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
  opts: QueueOptions = {},
): Promise<number> {
  if (!users.length) return 0;
  const check = MAIL_PAYLOADS[template];
  // Due on the clock every instance claims by (lib/server/clock.ts), at once or when the hold ends.
  const due = opts.holdUntil ?? sharedNow();
  await tx.mailMessage.createMany({
    data: users.map((u) => ({
      to: u.email,
      template,
      payload: JSON.stringify(check.parse({ ...payload, userId: u.id })),
      nextAttemptAt: due,
    })),
  });
  return users.length;
}

/**
 * queueMailToUsers's messages as one raw INSERT, not run, as lib/audit/log.ts auditInsert is for an
 * audit row: for the switch event's hot path, which puts the block notice's rows in the block's own
 * statement on PostgreSQL (lib/blocks/event-sql.ts insertBlock: one round trip fewer per event) and
 * runs it with txExecute on SQLite. Null when `users` is empty. Throws, before any statement runs, on
 * a payload that does not fit its template (lib/mail/payloads.ts). The rows are queueMailToUsers's:
 * `pending`, no attempts, due at `opts.holdUntil` or now on the shared clock, `createdAt` now; ids
 * are newRowId's (a cuid elsewhere: no code reads a mail id's shape).
 */
export function mailInsert<T extends MailTemplate>(
  users: { id: string; email: string }[],
  template: T,
  payload: Omit<MailPayload<T>, 'userId'>,
  opts: QueueOptions = {},
): Prisma.Sql | null {
  if (!users.length) return null;
  const check = MAIL_PAYLOADS[template];
  // Due on the clock every instance claims by (lib/server/clock.ts), at once or when the hold ends.
  const due = opts.holdUntil ?? sharedNow();
  const createdAt = new Date();
  const rows = users.map(
    (u) =>
      Prisma.sql`(${newRowId()}, ${u.email}, ${template}, ${JSON.stringify(check.parse({ ...payload, userId: u.id }))}, 'pending', 0, ${due}, ${createdAt})`,
  );
  return Prisma.sql`INSERT INTO "MailMessage" ("id", "to", "template", "payload", "status", "attempts", "nextAttemptAt", "createdAt")
    VALUES ${Prisma.join(rows)}`;
}

/**
 * One message to the customer who asked for something on account `accountId` (`askerId`: an unblock
 * request's submitter) while it is still theirs to read: their login is enabled **and still a member
 * of the account**; else one per member (queueMailToMembers). A member removed from the account since
 * they asked is not told how it was decided (a denial quotes the agent's reason) and is not sent a
 * link to a block page they can no longer open; the members who remain are told instead (break-29:
 * only a disabled login was passed over, so the removed member got the mail and the account's
 * members got none). Returns the number queued.
 */
export async function queueMailToAsker<T extends MailTemplate>(
  tx: Tx,
  accountId: string,
  askerId: string,
  template: T,
  payload: Omit<MailPayload<T>, 'userId'>,
): Promise<number> {
  const asker = await tx.user.findFirst({
    where: { id: askerId, disabled: false, memberships: { some: { accountId } } },
    select: { id: true, email: true },
  });
  return asker
    ? queueMailToUsers(tx, [asker], template, payload)
    : queueMailToMembers(tx, accountId, template, payload);
}

/**
 * The outbox rows of `template` about block `blockId`, as a Prisma filter: their payload names it
 * (`"blockId":"<id>"`, as queueMail writes the JSON; the outbox has no column for the block).
 */
export const mailAbout = (template: 'block_notice' | 'block_lifted', blockId: string) => ({
  template,
  payload: { contains: `"blockId":${JSON.stringify(blockId)}` },
});

/**
 * Ends the hold of the `block_notice` messages of block `blockId` that are still held (queued with
 * `holdUntil`, never tried, and not due yet on the shared clock), inside the caller's transaction:
 * each becomes due from when it was queued, so it goes out at the worker's next tick, ahead of any
 * message queued after it (a block_lifted queued in the same transaction comes second). Rows already
 * due, being sent, retried or finished are left alone. Returns how many were released (0: none held).
 * The payload is matched on its JSON text (`"blockId":"<id>"`, as queueMail writes it): the outbox
 * has no column for the block, and a notice's rows are few.
 */
export async function releaseHeldMail(tx: Tx, template: 'block_notice', blockId: string): Promise<number> {
  const held = await tx.mailMessage.findMany({
    where: {
      ...mailAbout(template, blockId),
      status: 'pending',
      attempts: 0,
      sendStartedAt: null,
      nextAttemptAt: { gt: sharedNow() },
    },
    select: { id: true, createdAt: true },
  });
  for (const row of held)
    await tx.mailMessage.updateMany({
      where: { id: row.id, status: 'pending', attempts: 0 },
      data: { nextAttemptAt: row.createdAt },
    });
  return held.length;
}
