import 'server-only';
import { recordNoticeSent } from '@/lib/blocks/lifecycle';
import { env } from '@/lib/server/env';
import { db } from '@/lib/server/db';
import type { MailMessage } from '@/lib/generated/sqlite/client';
import { classifySendError, guaranteeOf } from '@/lib/mail/delivery-policy';
import { renderMessage } from '@/lib/mail/render';
import { defaultTransport, type MailTransport } from '@/lib/mail/transport';
import { log } from '@/lib/server/log';
import { backoffMs, claimDue, drain, reschedule, WORKER_ID } from '@/lib/server/outbox';

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
  opts: { transport?: MailTransport; owner?: string; max?: number } = {},
): Promise<number> {
  const transport = opts.transport ?? defaultTransport();
  const owner = opts.owner ?? WORKER_ID;
  return drain(
    () => claimDue<MailMessage>(db.mailMessage, owner, LEASE_MS),
    (row) => deliver(row, transport, owner),
    opts.max ?? 50,
  );
}

async function deliver(row: MailMessage, transport: MailTransport, owner: string): Promise<boolean> {
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
    const m = await tx.mailMessage.updateMany({
      where: { id: row.id, status: 'pending', leaseOwner: owner },
      data: { sendStartedAt: startedAt },
    });
    if (m.count !== 1) return false; // the lease was lost: someone else has the row now
    // A link is made valid only on a first attempt: a re-send must never revive a link already used.
    if (token && !interrupted)
      await tx.verificationToken.upsert({
        where: { token: token.token },
        create: token,
        update: { expires: token.expires },
      });
    return true;
  });
  if (!marked) return false;

  try {
    const receipt = await transport.send({
      id: row.id,
      messageId: messageIdFor(row.id),
      from: env().MAIL_FROM,
      to: row.to,
      date: row.createdAt,
      ...rendered.mail,
    });
    await markSent(row, receipt.messageId);
    return true;
  } catch (e) {
    const f = classifySendError(e);
    if (f.kind === 'permanent') await fail(row, f.message);
    // Certainly not accepted: the row is as it was before this attempt. Maybe accepted: it stays "interrupted".
    else await retryLater(row, f.kind === 'temporary' ? row.sendStartedAt : startedAt, f.message);
    return false;
  }
}

/** The sealed sign-in link is not kept once the row is finished, sent or not. */
const scrub = (row: MailMessage) =>
  row.template === 'sign_in_link' ? { payload: JSON.stringify({ scrubbed: true }) } : {};

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
  await reschedule(db.mailMessage, row.id, {
    delayMs: mailBackoffMs(row.attempts),
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
      lastError: error.slice(0, 500),
      ...scrub(row),
    },
  });
}
