import 'server-only';
import { recordNoticeSent } from '@/lib/blocks/lifecycle';
import { env, isMailFrom } from '@/lib/server/env';
import { db, type Tx } from '@/lib/server/db';
import { Prisma } from '@/lib/generated/sqlite/client';
import type { MailMessage } from '@/lib/generated/sqlite/client';
import { classifySendError, guaranteeOf, INTERACTIVE_TEMPLATES } from '@/lib/mail/delivery-policy';
import { mailOutboxHeldMs, recordMailSend } from '@/lib/mail/server-state';
import { countMailExpiredUnsent } from '@/lib/server/metrics';
import { NOT_SENT, renderMessage, unreadableReason } from '@/lib/mail/render';
import {
  defaultTransport,
  type MailTransport,
  type OutgoingMail,
  type SendReceipt,
} from '@/lib/mail/transport';
import { log } from '@/lib/server/log';
import { backoffMs, claimDue, drain, type OutboxTable, reschedule, WORKER_ID } from '@/lib/server/outbox';
import { tickDeadline } from '@/lib/server/tick-budget';
import { cutWhole } from '@/lib/server/control-characters';

// The mail outbox worker. Rows are written by queueMail in the transaction of the change that causes
// them; this sends them. Like lib/switch/outbox.ts: several instances may run it, each row is
// claimed with a lease, failures back off with jitter. An SMTP outage only delays mail.
// Duplicates: `sendStartedAt` is written before the SMTP conversation, `sentAt` + `messageId` after
// the server accepted; a row claimed with the first and not the second was interrupted, and what
// happens then is decided per template in lib/mail/delivery-policy.ts.
// Order: mail a person is waiting for (delivery-policy.ts LANES, `interactive`) is claimed before any
// other, whatever its due time (claimNext); the rest in due order. An answer of the mail server that
// refuses every message holds the whole outbox of this instance for a growing backoff
// (lib/mail/server-state.ts): the tick stops instead of trying each due row.

const LEASE_MS = 120_000;
/**
 * The longest one SMTP conversation may take, in ms, start to end. nodemailer has no such option:
 * its `connectionTimeout`, `greetingTimeout` and `socketTimeout` each bound one wait (lib/mail/
 * transport.ts: 10, 10 and 30 s), `socketTimeout` every idle gap anew, so a server that trickles
 * replies, or an SMTP_URL that sets them longer, keeps a conversation going past the lease, and
 * another worker takes the row while it runs. So the send is raced against this (sendWithin).
 */
const SEND_DEADLINE_MS = 60_000;
/** Of the lease, what is kept for the writes after the send (markSent, retryLater, fail), in ms. */
const AFTER_SEND_MS = 30_000;
/** A send is not begun with less of the lease left than this before AFTER_SEND_MS, in ms. */
const MIN_SEND_MS = 5_000;
const MAX_BACKOFF_MS = 10 * 60_000;
/**
 * A message still not delivered this long after it was queued is failed, in ms (3 days): it is history
 * by then. Also the bound on a message this version cannot read (putBackUnreadable).
 */
export const GIVE_UP_AFTER_MS = 3 * 24 * 60 * 60_000;
/**
 * How soon a message this version cannot read is offered again, in ms: a quarter of its age, from
 * 15 s (a rolling upgrade: an instance of the newer release takes it within seconds) up to the
 * backoff's 10 min (a rollback that lasts: a few lines an hour, not one a second).
 */
const unreadableDelayMs = (ageMs: number) => Math.min(MAX_BACKOFF_MS, Math.max(15_000, ageMs / 4));

/** Delay before attempt `attempts + 1`, in ms: from 2 s, capped at 10 min (lib/server/outbox.ts). */
export const mailBackoffMs = (attempts: number, random = Math.random) =>
  backoffMs(attempts, 2000, MAX_BACKOFF_MS, random);

/** Deterministic per row: a re-send is recognisably the same message (see delivery-policy.ts). */
export const messageIdFor = (rowId: string) => `<${rowId}.tollgate@${new URL(env().APP_URL).hostname}>`;

/**
 * How many `interactive` messages (delivery-policy.ts LANES) a worker claims in a row while other
 * mail is due; the next claim then takes the message due first, of whatever lane. Interactive mail
 * is a few messages a minute, each asked for by a person through a rate-limited page: this bound
 * only matters if someone asks for links without end, and keeps the block notices moving then.
 */
export const INTERACTIVE_IN_A_ROW = 10;

/** How many interactive messages this process claimed in a row (claimNext). */
let interactiveRun = 0;

/**
 * The mail outbox as the runner's claim sees it (lib/server/outbox.ts OutboxTable), narrowed to the
 * interactive templates: the rows it is asked for, of each template apart, the first due of them
 * all first. One query per template, each `template = ?`: so each reads only its own due rows, in
 * order, through the index on status, template and due time (migration 0026). With
 * `template IN (…)` and no statistics (Tollgate never runs ANALYZE on SQLite), SQLite took the
 * status and due time index, which walks every due row of the backlog.
 */
const interactiveMail: OutboxTable<MailMessage> = {
  async findMany(args) {
    const each = await Promise.all(
      INTERACTIVE_TEMPLATES.map((template) =>
        db.mailMessage.findMany({ ...args, where: { ...args.where, template } }),
      ),
    );
    return each
      .flat()
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
      .slice(0, args.take);
  },
  updateMany: (args) => db.mailMessage.updateMany(args),
};

/**
 * Claims the next message for `owner`: the interactive message due first, if one is due
 * (interactiveMail), else, or after INTERACTIVE_IN_A_ROW of them in a row, the message due first of
 * any template (the status and due time index). Null when nothing is due.
 */
async function claimNext(owner: string): Promise<MailMessage | null> {
  if (interactiveRun < INTERACTIVE_IN_A_ROW) {
    const first = await claimDue(interactiveMail, owner, LEASE_MS);
    if (first) {
      interactiveRun += 1;
      return first;
    }
  }
  interactiveRun = 0;
  return claimDue<MailMessage>(db.mailMessage, owner, LEASE_MS);
}

/**
 * Sends due messages until none is left (or `max`), the tick's budget is spent (`deadline`, default
 * TICK_BUDGET_MS), or the mail server refused every message (the outbox is then held:
 * lib/mail/server-state.ts; a tick while it is held claims nothing); returns how many the server
 * accepted. Interactive mail first (claimNext). `sendDeadlineMs`: the longest one SMTP conversation
 * may take (default SEND_DEADLINE_MS; tests shorten it); past it the attempt counts as interrupted
 * (it may have been delivered).
 */
export async function processMailOutbox(
  opts: {
    transport?: MailTransport;
    owner?: string;
    max?: number;
    deadline?: () => boolean;
    sendDeadlineMs?: number;
  } = {},
): Promise<number> {
  const transport = opts.transport ?? defaultTransport();
  const owner = opts.owner ?? WORKER_ID;
  const deadline = opts.deadline ?? tickDeadline();
  let claimedAt = 0;
  return drain(
    async () => {
      // Taken before the claim: the lease it writes ends no earlier than this plus LEASE_MS.
      claimedAt = Date.now();
      return claimNext(owner);
    },
    (row) =>
      deliver(row, transport, {
        owner,
        sendBy: claimedAt + LEASE_MS - AFTER_SEND_MS,
        sendDeadlineMs: opts.sendDeadlineMs ?? SEND_DEADLINE_MS,
      }),
    opts.max ?? 50,
    () => deadline() || mailOutboxHeldMs() > 0,
  );
}

/** This attempt's worker and its limits: `sendBy` (epoch ms) is when its send must have ended. */
type Attempt = { owner: string; sendBy: number; sendDeadlineMs: number };

/** The error of a send raced past its deadline (sendWithin): uncertain, like a connection cut mid-message. */
class SendDeadlineError extends Error {
  readonly code = 'EDEADLINE';
}

/**
 * `transport.send(mail)`, given up after `ms`: then a SendDeadlineError is thrown while the
 * conversation may go on (nodemailer cannot be told to stop from outside), and `late` is called with
 * its outcome when it ends, to record a delivery that came after all.
 */
async function sendWithin(
  transport: MailTransport,
  mail: OutgoingMail,
  ms: number,
  late: (receipt: SendReceipt) => Promise<void>,
): Promise<SendReceipt> {
  const sending = transport.send(mail);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SendDeadlineError(`the SMTP conversation took longer than ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([sending, expired]);
  } catch (e) {
    if (e instanceof SendDeadlineError)
      sending
        .then(late)
        .catch((err: unknown) =>
          log().warn(
            { mailId: mail.id, error: (err as Error).message },
            'mail send ended after its deadline',
          ),
        );
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The recipient's user row locked for the rest of `tx` (a no-op UPDATE: PostgreSQL holds the row until
 * commit; SQLite has one writer), and when its sign-in links were last revoked. lib/auth/revoke.ts
 * updates the same row before it deletes links, so a revocation either commits before this read (and
 * is seen) or waits for this transaction (and then deletes the link it made).
 */
async function lockedRevocationMark(tx: Tx, email: string): Promise<Date | null> {
  const rows = await tx.$queryRaw<{ linksRevokedAt: Date | string | number | bigint | null }[]>(
    Prisma.sql`UPDATE "User" SET "linksRevokedAt" = "linksRevokedAt" WHERE "email" = ${email} RETURNING "linksRevokedAt"`,
  );
  const at = rows[0]?.linksRevokedAt;
  if (at === null || at === undefined) return null;
  return new Date(typeof at === 'bigint' ? Number(at) : at);
}

async function deliver(
  row: MailMessage,
  transport: MailTransport,
  attempt: Attempt,
  rendersLeft = 2,
): Promise<boolean> {
  const { owner } = attempt;
  // Before anything this version decides about the row (its delivery policy included): a template or
  // payload it cannot read is a newer release's to send.
  const unread = unreadableReason(row);
  if (unread !== null) {
    await putBackUnreadable(row, owner, unread);
    return false;
  }
  const interrupted = row.sendStartedAt !== null;
  if (interrupted && guaranteeOf(row.template) === 'at-most-once') {
    await fail(
      row,
      owner,
      'uncertain: an earlier attempt was interrupted during the SMTP conversation and may have been delivered; not re-sent (at-most-once)',
    );
    return false;
  }
  const startedAt = row.sendStartedAt ?? new Date();
  let rendered;
  try {
    rendered = await renderMessage(row, startedAt);
  } catch (e) {
    await retryLater(row, owner, row.sendStartedAt, `render: ${(e as Error).message}`);
    return false;
  }
  if (!rendered.ok && rendered.unreadable) {
    await putBackUnreadable(row, owner, rendered.reason);
    return false;
  }
  if (!rendered.ok && rendered.waitMs !== undefined) {
    // Not an attempt: an earlier message to the same reader goes first (lib/mail/render.ts).
    await reschedule(db.mailMessage, row.id, { delayMs: rendered.waitMs, error: rendered.reason, owner });
    return false;
  }
  if (!rendered.ok) {
    // Not sent by choice (the renderer's reason): recorded as such, counted by no alert; but a code or
    // link that expired while its person waited is counted (tollgate_mail_expired_unsent_total).
    if (rendered.expired) countMailExpiredUnsent(row.template);
    await fail(row, owner, `${NOT_SENT}${rendered.reason}`);
    return false;
  }
  // The send must end inside the lease, with AFTER_SEND_MS to spare for recording it; a lease mostly
  // spent already (a slow database before it) puts the row back untouched, for the next tick.
  const leaseLeftMs = attempt.sendBy - Date.now();
  const sendMs = Math.min(attempt.sendDeadlineMs, leaseLeftMs);
  if (leaseLeftMs < MIN_SEND_MS) {
    await reschedule(db.mailMessage, row.id, {
      delayMs: 0,
      error: 'too little of the lease was left to send it; put back',
      owner,
    });
    return false;
  }
  const token = rendered.verificationToken;
  const marked = await db.$transaction(async (tx) => {
    // A link is made valid only on a first attempt: a re-send must never revive a link already used.
    const link = token && !interrupted;
    // Rendering checked the user's revocation mark (lib/mail/render.ts), outside this transaction: a
    // revocation committed since then must not be outlived by the link made here, so the mark is read
    // again under the user row's lock, and the mail is rendered again (without its link, or skipped).
    if (link) {
      const revokedAt = await lockedRevocationMark(tx, row.to);
      if (revokedAt && row.createdAt <= revokedAt) return 'render_again' as const;
    }
    const m = await tx.mailMessage.updateMany({
      where: { id: row.id, status: 'pending', leaseOwner: owner },
      data: { sendStartedAt: startedAt },
    });
    if (m.count !== 1) return false; // the lease was lost: someone else has the row now
    if (link)
      await tx.verificationToken.upsert({
        where: { token: token.token },
        create: token,
        update: { expires: token.expires },
      });
    return true;
  });
  if (marked === 'render_again' && rendersLeft > 0) return deliver(row, transport, attempt, rendersLeft - 1);
  if (marked !== true) return false;

  // Whether the server took it: what readiness hears of the mail server (a database error after a
  // successful send says nothing about the mail server).
  let sent = false;
  try {
    const outgoing: OutgoingMail = {
      id: row.id,
      messageId: messageIdFor(row.id),
      from: env().MAIL_FROM,
      to: row.to,
      // A reply from a person reaches support, when SUPPORT_CONTACT is one address (RFC 5322 §3.6.2).
      replyTo: isMailFrom(env().SUPPORT_CONTACT) ? env().SUPPORT_CONTACT.trim() : undefined,
      // When the message was composed: its first attempt (RFC 5322 §3.6.1), not when it was queued,
      // so that one sent after an SMTP outage is not filed days back. A copy re-sent after an uncertain
      // attempt keeps that attempt's time (sendStartedAt), and so the same Date.
      date: startedAt,
      ...rendered.mail,
    };
    // Past the deadline the attempt is recorded as interrupted (below) while it may still end: a 250
    // that comes then is recorded as this attempt's delivery (markSent).
    const receipt = await sendWithin(transport, outgoing, sendMs, (r) =>
      markSent(row, startedAt, r.messageId),
    );
    sent = true;
    recordMailSend(null);
    await markSent(row, startedAt, receipt.messageId);
    return true;
  } catch (e) {
    // An answer that refuses every message holds the outbox (this tick ends: drain's `over`), and this
    // row is due again when the hold ends, ahead of those it held back; else it backs off on its own.
    const holdMs = sent ? 0 : recordMailSend(e);
    const f = classifySendError(e);
    if (holdMs > 0)
      log().warn(
        { mailId: row.id, template: row.template, holdMs, error: f.message },
        'mail outbox held: the mail server refuses every message',
      );
    if (f.kind === 'permanent') await fail(row, owner, f.message);
    // Certainly not accepted: the row is as it was before this attempt. Maybe accepted: it stays "interrupted".
    else
      await retryLater(
        row,
        owner,
        f.kind === 'temporary' ? row.sendStartedAt : startedAt,
        f.message,
        holdMs || undefined,
      );
    return false;
  }
}

/** The log line of a write after a send that found the row no longer this worker's (or finished). */
const LEASE_LOST = 'mail lease lost: the row is left to whoever holds it now';

/** The sealed sign-in link, or enrolment code, is not kept once the row is finished, sent or not. */
const scrub = (row: MailMessage) =>
  row.template === 'sign_in_link' || row.template === 'enrolment_code'
    ? { payload: JSON.stringify({ scrubbed: true }) }
    : {};

/**
 * Records the server's 250 for the attempt that began at `startedAt`. Whoever holds the lease now: a
 * delivery is a fact, so it is recorded even by a worker whose lease ran out, on a row still pending
 * or failed "uncertain" because of this very attempt (same `sendStartedAt`; a send that outlasted
 * its deadline, or the lease). A row already done stays as it is.
 */
async function markSent(row: MailMessage, startedAt: Date, messageId: string) {
  await db.$transaction(async (tx) => {
    const done = await tx.mailMessage.updateMany({
      where: {
        id: row.id,
        OR: [{ status: 'pending' }, { status: 'failed', sendStartedAt: startedAt, sentAt: null }],
      },
      data: {
        status: 'done',
        sentAt: new Date(),
        messageId,
        sendStartedAt: startedAt,
        leaseOwner: null,
        leaseUntil: null,
        lastError: null,
        attempts: { increment: 1 },
        ...scrub(row),
      },
    });
    if (done.count !== 1 || row.template !== 'block_notice') return;
    const { blockId } = JSON.parse(row.payload) as { blockId?: string };
    if (blockId) await recordNoticeSent(tx, blockId, row.to);
  });
}

/**
 * Puts the row back for a later attempt, counting this one, while `owner` still holds its lease: a
 * worker whose lease ran out during the send must not reschedule a row another worker has taken.
 * `delayMs`: when it is tried again (default its own backoff, mailBackoffMs).
 */
async function retryLater(
  row: MailMessage,
  owner: string,
  sendStartedAt: Date | null,
  error: string,
  delayMs = mailBackoffMs(row.attempts),
) {
  if (Date.now() - row.createdAt.getTime() > GIVE_UP_AFTER_MS)
    return fail(row, owner, `gave up after ${row.attempts + 1} attempts: ${error}`);
  // One line per deferred attempt, so an SMTP outage shows in the log at once (readiness and the outbox
  // metrics say so only after two minutes); the error is the stored lastError, never the SMTP_URL.
  log().warn(
    { mailId: row.id, template: row.template, attempt: row.attempts + 1, retryInMs: delayMs, error },
    'mail delivery deferred',
  );
  const put = await reschedule(db.mailMessage, row.id, {
    delayMs,
    error,
    owner,
    data: { attempts: { increment: 1 }, sendStartedAt },
  });
  if (!put) log().warn({ mailId: row.id, template: row.template }, LEASE_LOST);
}

/**
 * A row this version cannot read (`reason`: an unknown template, a payload that is not JSON or does
 * not fit; lib/mail/render.ts unreadableReason). Since 2026-12-05 older instances keep serving a
 * newer database (a rolling upgrade, a rollback: docs/operations.md "Upgrades and rollbacks") and
 * their workers claim the newer release's mail: failing it here lost it for good. It is put back
 * (unreadableDelayMs; not an attempt, its `sendStartedAt` kept) for an instance that can read it,
 * while `owner` holds its lease. After GIVE_UP_AFTER_MS from when it was queued it is failed, with
 * a `lastError` that is not `not sent: …`: no version that can read it took it, or no version can
 * (a bug), and either needs a person (tollgate_outbox_failed counts it).
 */
async function putBackUnreadable(row: MailMessage, owner: string, reason: string) {
  const ageMs = Date.now() - row.createdAt.getTime();
  if (ageMs > GIVE_UP_AFTER_MS)
    return fail(
      row,
      owner,
      `unreadable: no instance that could read it sent it within ${GIVE_UP_AFTER_MS / 3600_000} h: ${reason}`,
    );
  const delayMs = unreadableDelayMs(ageMs);
  log().warn(
    { mailId: row.id, template: row.template, retryInMs: delayMs, error: reason },
    'mail message this version cannot read put back',
  );
  const put = await reschedule(db.mailMessage, row.id, {
    delayMs,
    error: `unreadable here, put back for an instance that can read it: ${reason}`,
    owner,
  });
  if (!put) log().warn({ mailId: row.id, template: row.template }, LEASE_LOST);
}

/** Fails the row with `error`, while `owner` still holds its lease (as retryLater). */
async function fail(row: MailMessage, owner: string, error: string) {
  const failed = await db.mailMessage.updateMany({
    where: { id: row.id, status: 'pending', leaseOwner: owner },
    data: {
      status: 'failed',
      leaseOwner: null,
      leaseUntil: null,
      lastError: cutWhole(error, 500),
      ...scrub(row),
    },
  });
  if (failed.count === 1)
    log().warn({ mailId: row.id, template: row.template, error }, 'mail message failed');
  else log().warn({ mailId: row.id, template: row.template }, LEASE_LOST);
}
