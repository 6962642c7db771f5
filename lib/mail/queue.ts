import 'server-only';
import { Prisma } from '@/lib/generated/sqlite/client';
import type { Tx } from '@/lib/server/db';
import {
  MAIL_PAYLOADS,
  MAX_CHANGES_PER_PASSWORD_ALERT,
  type MailPayload,
  type MailTemplate,
  type SecurityChange,
  type SipPasswordChange,
} from '@/lib/mail/payloads';
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

/**
 * One message per member of the account (each with their own sign-in link where the template has
 * one). A template of ALERT_GOES_FIRST first releases each member's held SIP password alert about
 * the account (releaseHeldAlerts), so that alert is sent before this message.
 */
export async function queueMailToMembers<T extends MailTemplate>(
  tx: Tx,
  accountId: string,
  template: T,
  payload: Omit<MailPayload<T>, 'userId'>,
  opts: QueueOptions = {},
): Promise<number> {
  const members = await mailedMembers(tx, accountId);
  return queueMailToUsers(tx, members, template, payload, {
    ...opts,
    ...(await alertsFirst(tx, accountId, members, template, opts)),
  });
}

/**
 * The mail to a member about an account before which that member's held SIP password alert about
 * the account is sent (queuePasswordChangedAlert holds it PASSWORD_ALERT_HOLD_MS): news of what a
 * password change may have caused. A rotation lifts a block (lib/blocks/policy.ts liftIfRotated), and
 * "International calling is back" (block_lifted), or "the block your request was about was lifted"
 * (request_closed, when another block stays in force), read before the alert of the change that
 * brought it made the change look later than the lift, and told a member who did not make it last
 * (a tester, 2026-12-07). Not the others: block_notice goes out at once, on the switch event's hot
 * path, about what the switch did; the request, allowance and login mails answer what a person did
 * or asked, and say nothing a password change caused.
 */
export const ALERT_GOES_FIRST: readonly MailTemplate[] = ['block_lifted', 'request_closed'];

/**
 * For a message of `template` queued now to `users` about account `accountId`: when the template is
 * one of ALERT_GOES_FIRST, releases their held alerts (releaseHeldAlerts) and returns the due time
 * the message takes, 1 ms after theirs; else nothing changes (`{}`). A message queued with a hold of
 * its own (`opts.holdUntil`) keeps it.
 */
async function alertsFirst(
  tx: Tx,
  accountId: string,
  users: { email: string }[],
  template: MailTemplate,
  opts: QueueOptions,
): Promise<QueueOptions> {
  if (!ALERT_GOES_FIRST.includes(template) || !users.length) return {};
  const now = sharedNow();
  await releaseHeldAlerts(tx, accountId, users, now);
  return opts.holdUntil ? {} : { holdUntil: now };
}

/**
 * The members of account `accountId` who receive mail (not disabled), in the order their logins
 * were made. One read, whatever the number of members: it starts from the account's memberships
 * (their accountId index), each user by its key: filtering the users by `memberships: { some }`
 * instead is an EXISTS per user, which SQLite answers by walking every login of the provider (34 ms
 * of CPU at 100 000, inside the caller's write transaction; bench/README.md, thirty-first session).
 */
async function mailedMembers(tx: Tx, accountId: string): Promise<{ id: string; email: string }[]> {
  return tx.$queryRaw<{ id: string; email: string }[]>`
    SELECT u."id", u."email" FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
    WHERE m."accountId" = ${accountId} AND u."disabled" = false
    ORDER BY u."createdAt", u."id"`;
}

/**
 * How long a confirmed SIP password change's alert waits in the outbox before it is due, in ms
 * (2 minutes): a customer rotating the passwords of a PBX after a fraud block goes from one
 * credential to the next (the reset page's "Next: change the password of …"), one every 20–60 s, and
 * each change within the hold joins the alert already waiting (queuePasswordChangedAlert) instead of
 * mailing every member again. Short enough that a lone change, the one an intruder makes, is still
 * told within about 2 minutes. Sooner when a mail about what the change caused is queued to the
 * member (ALERT_GOES_FIRST: the lift of a block): that releases it (releaseHeldAlerts).
 */
export const PASSWORD_ALERT_HOLD_MS = 2 * 60_000;

/**
 * The latest a gathered alert is due, in ms after it was first queued (10 minutes): each change it
 * takes pushes its due time to now + PASSWORD_ALERT_HOLD_MS, never past this, so a long sitting is
 * mailed about every 10 minutes rather than only once it ends.
 */
export const PASSWORD_ALERT_MAX_HOLD_MS = 10 * 60_000;

/**
 * A waiting alert due sooner than this, in ms (30 s), takes no more changes: the mail worker reads a
 * due row and then claims it in a second statement (lib/server/outbox.ts claimDue), and sends what it
 * read; a change added between the two would be marked sent unsaid. This is more than a transaction
 * may last (Prisma's 5 s; lib/server/db/pg-limits.ts) plus the clock offsets the instances may have
 * between them (CLOCK_SKEW_TOLERANCE_MS, 5 s), so a row any worker may be about to claim is never
 * changed.
 */
const APPEND_MARGIN_MS = 30_000;

/**
 * The confirmed SIP password alerts still held (queuePasswordChangedAlert) as of
 * `now` on the shared clock, as a Prisma filter: pending, never tried, no send started, not claimed
 * by a worker, not yet due. A worker claims only a due row (lib/server/outbox.ts claimDue) and a
 * claimed one has a lease owner, so a row matching this is no worker's: the digest's additions
 * (addToWaitingAlert, stricter still: not due within APPEND_MARGIN_MS) and releaseHeldAlerts change
 * it only through a conditional UPDATE with this filter.
 */
const heldAlert = (now: Date) => ({
  template: 'sip_password_changed',
  status: 'pending' as const,
  attempts: 0,
  sendStartedAt: null,
  leaseOwner: null,
  nextAttemptAt: { gt: now },
});

/**
 * The outbox rows of SIP password alerts about account `accountId`, as a Prisma filter: their payload
 * names it (`"accountId":"<id>"`, as queuePasswordChangedAlert writes the JSON: only the gathered,
 * confirmed alerts carry it; the outbox has no column for the account). A JSON string escapes every
 * quote in it, so the text matches the payload's own key only, never one inside a value; ids are
 * letters and digits (lib/server/row-id.ts), so no LIKE wildcard is in one.
 */
const alertsAbout = (accountId: string) => ({
  template: 'sip_password_changed',
  payload: { contains: `"accountId":${JSON.stringify(accountId)}` },
});

/**
 * Queues the security alert of a confirmed SIP password change (`sip_password_changed`, gathered
 * shape: lib/mail/payloads.ts) to every member of account `accountId` who receives mail, inside the
 * caller's transaction, as queueMailToMembers does; returns the number of members told. A member who
 * already has a confirmed alert about this account waiting (same address, same login, not yet claimed
 * by a worker: pending, no lease, no attempt, no send started, no error, not due within
 * APPEND_MARGIN_MS, fewer than MAX_CHANGES_PER_PASSWORD_ALERT changes) gets this change added to it,
 * its due time pushed to now + PASSWORD_ALERT_HOLD_MS and never past PASSWORD_ALERT_MAX_HOLD_MS after
 * it was queued; any other member gets a new alert, due PASSWORD_ALERT_HOLD_MS from now (a mail of
 * ALERT_GOES_FIRST to the member about the account makes it due at once: releaseHeldAlerts). Times are on
 * the shared clock (lib/server/clock.ts). The addition is one conditional UPDATE of that row, which
 * also requires its payload unchanged since it was read: a worker that claims the row first (or any
 * other write to it) makes it match nothing, and the change then gets a message of its own. The
 * unconfirmed alert ("may have changed") is never gathered: see lib/credentials/reset.ts
 * alertUnconfirmed. Throws on a change that does not fit the payload's schema (a bug: the caller's
 * change rolls back).
 */
export async function queuePasswordChangedAlert(
  tx: Tx,
  accountId: string,
  change: SipPasswordChange,
): Promise<number> {
  const members = await mailedMembers(tx, accountId);
  if (!members.length) return 0;
  const check = MAIL_PAYLOADS.sip_password_changed;
  const now = sharedNow();
  const fresh: { id: string; email: string }[] = [];
  for (const member of members)
    if (!(await addToWaitingAlert(tx, member, accountId, change, now))) fresh.push(member);
  if (fresh.length)
    await tx.mailMessage.createMany({
      data: fresh.map((u) => ({
        to: u.email,
        template: 'sip_password_changed',
        payload: JSON.stringify(check.parse({ userId: u.id, accountId, changes: [change] })),
        nextAttemptAt: new Date(now.getTime() + PASSWORD_ALERT_HOLD_MS),
        // On the shared clock, as the due time: the cap counts from it (addToWaitingAlert).
        createdAt: now,
      })),
    });
  return members.length;
}

/**
 * Adds `change` to the confirmed alert about `accountId` waiting for `user` (queuePasswordChangedAlert
 * says which one may take it), as of `now` on the shared clock. Returns whether one took it.
 */
async function addToWaitingAlert(
  tx: Tx,
  user: { id: string; email: string },
  accountId: string,
  change: SipPasswordChange,
  now: Date,
): Promise<boolean> {
  // Held (heldAlert), and not due within APPEND_MARGIN_MS.
  const untouched = {
    ...heldAlert(new Date(now.getTime() + APPEND_MARGIN_MS)),
    to: user.email,
    leaseUntil: null,
    lastError: null,
  };
  // The outbox has no column for the account or the login: their ids are matched in the payload's
  // JSON as queuePasswordChangedAlert writes it (alertsAbout), then checked parsed. Ids are letters
  // and digits (lib/server/row-id.ts, cuid), so no LIKE wildcard can be in one. Held alerts are few.
  const waiting = await tx.mailMessage.findMany({
    where: {
      ...untouched,
      AND: [
        { payload: alertsAbout(accountId).payload },
        { payload: { contains: `"userId":${JSON.stringify(user.id)}` } },
      ],
    },
    orderBy: { createdAt: 'asc' },
    select: { id: true, payload: true, createdAt: true },
  });
  const check = MAIL_PAYLOADS.sip_password_changed;
  for (const row of waiting) {
    const read = check.safeParse(safeJson(row.payload));
    if (!read.success) continue;
    const p = read.data;
    if (!p.changes || p.accountId !== accountId || p.userId !== user.id) continue;
    if (p.changes.length >= MAX_CHANGES_PER_PASSWORD_ALERT) continue;
    // In the order the changes were made (when each was sent to the switch), whatever order their
    // confirmations came in: after every change made at or before this one.
    const at = Date.parse(change.changedAt);
    const after = p.changes.findIndex((c) => Date.parse(c.changedAt) > at);
    const changes =
      after === -1
        ? [...p.changes, change]
        : [...p.changes.slice(0, after), change, ...p.changes.slice(after)];
    const due = Math.min(
      now.getTime() + PASSWORD_ALERT_HOLD_MS,
      row.createdAt.getTime() + PASSWORD_ALERT_MAX_HOLD_MS,
    );
    const added = await tx.mailMessage.updateMany({
      where: { id: row.id, payload: row.payload, ...untouched },
      data: { payload: JSON.stringify(check.parse({ ...p, changes })), nextAttemptAt: new Date(due) },
    });
    if (added.count === 1) return true;
  }
  return false;
}

/** `text` parsed as JSON, or undefined when it is not JSON. */
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
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
 * members got none). A template of ALERT_GOES_FIRST releases the recipients' held SIP password
 * alerts about the account first, as queueMailToMembers does. Returns the number queued.
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
    ? queueMailToUsers(
        tx,
        [asker],
        template,
        payload,
        await alertsFirst(tx, accountId, [asker], template, {}),
      )
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
 * Ends the hold of the SIP password alerts about account `accountId` held for `users` (their
 * addresses; heldAlert as of `now`, the shared clock), inside the caller's transaction: each becomes
 * due at `now` − 1 ms, its changes kept, so a worker sends it at its next tick, ahead of the message
 * the caller queues next, due at `now` (alertsFirst: the mail worker takes due rows in due order).
 * Not from when it was queued, as releaseHeldMail does for a notice: an alert held up to
 * PASSWORD_ALERT_MAX_HOLD_MS would read as that late to the readiness check and the metrics
 * (lib/mail/lag.ts). One conditional UPDATE: a worker that claimed the row first, or a change
 * added meanwhile, is either seen by it or not matched (PostgreSQL reads the row again after the
 * lock it waited for). A released row is due at once, so it takes no more changes
 * (addToWaitingAlert): a change confirmed after it starts a new held alert. Returns how many were
 * released.
 */
export async function releaseHeldAlerts(
  tx: Tx,
  accountId: string,
  users: { email: string }[],
  now: Date,
): Promise<number> {
  if (!users.length) return 0;
  const released = await tx.mailMessage.updateMany({
    where: {
      ...heldAlert(now),
      ...alertsAbout(accountId),
      to: { in: [...new Set(users.map((u) => u.email))] },
    },
    data: { nextAttemptAt: new Date(now.getTime() - 1) },
  });
  return released.count;
}

/**
 * The earliest due time of the SIP password alerts about account `accountId` to `to` that are pending
 * and not held (heldAlert as of now on the shared clock: released, being sent, or waiting for a
 * retry), or null when there is none. A message of ALERT_GOES_FIRST waits for them
 * (lib/mail/render.ts): the due order puts a released alert first on one worker, and this keeps it
 * first when another instance's worker claims the message while the alert is still being sent, or
 * when the alert's send failed and waits for its retry. A held alert (a change after the release)
 * is not waited for: it is news of a later change.
 */
export async function pendingAlertDue(
  tx: Pick<Tx, 'mailMessage'>,
  to: string,
  accountId: string,
): Promise<Date | null> {
  const now = sharedNow();
  const first = await tx.mailMessage.findFirst({
    where: {
      ...alertsAbout(accountId),
      to,
      status: 'pending',
      OR: [
        { attempts: { gt: 0 } },
        { sendStartedAt: { not: null } },
        { leaseOwner: { not: null } },
        { nextAttemptAt: { lte: now } },
      ],
    },
    orderBy: { nextAttemptAt: 'asc' },
    select: { nextAttemptAt: true },
  });
  return first?.nextAttemptAt ?? null;
}

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
