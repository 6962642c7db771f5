import 'server-only';
import { recordNoticeSent } from '@/lib/blocks/lifecycle';
import { env, isMailFrom } from '@/lib/server/env';
import { db, type Tx } from '@/lib/server/db';
import { Prisma } from '@/lib/generated/sqlite/client';
import type { MailMessage } from '@/lib/generated/sqlite/client';
import { classifySendError, guaranteeOf } from '@/lib/mail/delivery-policy';
import { recordMailSend } from '@/lib/mail/server-state';
import { renderMessage } from '@/lib/mail/render';
import { defaultTransport, type MailTransport } from '@/lib/mail/transport';
import { log } from '@/lib/server/log';
import { backoffMs, claimDue, drain, reschedule, WORKER_ID } from '@/lib/server/outbox';
import { cutWhole } from '@/lib/server/control-characters';

// The mail outbox worker. Rows are written by queueMail in the transaction of the change that causes
// them; this sends them. Like lib/switch/outbox.ts: several instances may run it, each row is
// claimed with a lease, failures back off with jitter. An SMTP outage only delays mail.
// Duplicates: `sendStartedAt` is written before the SMTP conversation, `sentAt` + `messageId` after
// the server accepted; a row claimed with the first and not the second was interrupted, and what
// happens then is decided per template in lib/mail/delivery-policy.ts.

const LEASE_MS = 120_000;
const MAX_BACKOFF_MS = 10 * 60_000;
/** A message that still cannot be delivered after this long is failed: it is history by then. */
const GIVE_UP_AFTER_MS = 3 * 24 * 60 * 60_000;

/** Delay before attempt `attempts + 1`, in ms: from 2 s, capped at 10 min (lib/server/outbox.ts). */
export const mailBackoffMs = (attempts: number, random = Math.random) =>
  backoffMs(attempts, 2000, MAX_BACKOFF_MS, random);

/** Deterministic per row: a re-send is recognisably the same message (see delivery-policy.ts). */
export const messageIdFor = (rowId: string) => `<${rowId}.tollgate@${new URL(env().APP_URL).hostname}>`;

/** Sends due messages until none is left (or `max`); returns how many the server accepted. */
export async function processMailOutbox(
  opts: { transport?: MailTransport; owner?: string; max?: number; deadline?: () => boolean } = {},
): Promise<number> {
  const transport = opts.transport ?? defaultTransport();
  const owner = opts.owner ?? WORKER_ID;
  return drain(
    () => claimDue<MailMessage>(db.mailMessage, owner, LEASE_MS),
    (row) => deliver(row, transport, owner),
    opts.max ?? 50,
    opts.deadline,
  );
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
  owner: string,
  rendersLeft = 2,
): Promise<boolean> {
  const interrupted = row.sendStartedAt !== null;
  if (interrupted && guaranteeOf(row.template) === 'at-most-once') {
    await fail(
      row,
      'uncertain: an earlier attempt was interrupted during the SMTP conversation and may have been delivered; not re-sent (at-most-once)',
    );
    return false;
  }
  const startedAt = row.sendStartedAt ?? new Date();
  let rendered;
  try {
    rendered = await renderMessage(row, startedAt);
  } catch (e) {
    await retryLater(row, row.sendStartedAt, `render: ${(e as Error).message}`);
    return false;
  }
  if (!rendered.ok) {
    await fail(row, rendered.reason);
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
  if (marked === 'render_again' && rendersLeft > 0) return deliver(row, transport, owner, rendersLeft - 1);
  if (marked !== true) return false;

  // Whether the server took it: what readiness hears of the mail server (a database error after a
  // successful send says nothing about the mail server).
  let sent = false;
  try {
    const receipt = await transport.send({
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
    });
    sent = true;
    recordMailSend(null);
    await markSent(row, receipt.messageId);
    return true;
  } catch (e) {
    if (!sent) recordMailSend(e);
    const f = classifySendError(e);
    if (f.kind === 'permanent') await fail(row, f.message);
    // Certainly not accepted: the row is as it was before this attempt. Maybe accepted: it stays "interrupted".
    else await retryLater(row, f.kind === 'temporary' ? row.sendStartedAt : startedAt, f.message);
    return false;
  }
}

/** The sealed sign-in link, or enrolment code, is not kept once the row is finished, sent or not. */
const scrub = (row: MailMessage) =>
  row.template === 'sign_in_link' || row.template === 'enrolment_code'
    ? { payload: JSON.stringify({ scrubbed: true }) }
    : {};

async function markSent(row: MailMessage, messageId: string) {
  await db.$transaction(async (tx) => {
    const done = await tx.mailMessage.updateMany({
      where: { id: row.id, status: 'pending' },
      data: {
        status: 'done',
        sentAt: new Date(),
        messageId,
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

async function retryLater(row: MailMessage, sendStartedAt: Date | null, error: string) {
  if (Date.now() - row.createdAt.getTime() > GIVE_UP_AFTER_MS)
    return fail(row, `gave up after ${row.attempts + 1} attempts: ${error}`);
  const delayMs = mailBackoffMs(row.attempts);
  // One line per deferred attempt, so an SMTP outage shows in the log at once (readiness and the outbox
  // metrics say so only after two minutes); the error is the stored lastError, never the SMTP_URL.
  log().warn(
    { mailId: row.id, template: row.template, attempt: row.attempts + 1, retryInMs: delayMs, error },
    'mail delivery deferred',
  );
  await reschedule(db.mailMessage, row.id, {
    delayMs,
    error,
    data: { attempts: { increment: 1 }, sendStartedAt },
  });
}

async function fail(row: MailMessage, error: string) {
  log().warn({ mailId: row.id, template: row.template, error }, 'mail message failed');
  await db.mailMessage.updateMany({
    where: { id: row.id, status: 'pending' },
    data: {
      status: 'failed',
      leaseOwner: null,
      leaseUntil: null,
      lastError: cutWhole(error, 500),
      ...scrub(row),
    },
  });
}
