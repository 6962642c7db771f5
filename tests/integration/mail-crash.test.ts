import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { DELIVERY } from '@/lib/mail/delivery-policy';
import { hashLinkToken } from '@/lib/mail/link-token';
import { queueMail, queueMailToMembers } from '@/lib/mail/queue';
import type { MailTransport } from '@/lib/mail/transport';
import { messageIdFor, processMailOutbox } from '@/lib/mail/worker';
import { dialects } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';
import { signInLinkOf } from '@/tests/helpers/mime';
import { mailSuite } from '@/tests/helpers/mail-suite';
import { TestSmtp } from '@/tests/helpers/smtp';
import { killWhen, startCrashChild } from '@/tests/helpers/crash';

// A worker that dies right after the SMTP server accepted a message (before it could write sentAt):
// the send "never returns", its lease runs out, another worker claims the row.

/**
 * The workers of this file that "died" after the server's 250: each is ended after its test (below).
 * Since a send is raced against a deadline inside its lease (lib/mail/worker.ts sendWithin), a worker
 * whose send never returns gives the attempt up after at most a minute and writes to the database
 * then: left pending, it did so after its test file had ended, an unhandled error in another file.
 */
const doomed: { kill: () => void; done: Promise<unknown> }[] = [];
afterEach(async () => {
  for (const d of doomed.splice(0)) {
    d.kill();
    await d.done.catch(() => undefined);
  }
});

/**
 * Delivers for real, then hangs until `killed`, as if the process had been killed after the server's
 * 250; then fails, and that worker's writes find the row no longer its own (another worker took it).
 */
function crashAfterAccept(real: MailTransport, killed: Promise<void>): MailTransport {
  return {
    kind: 'smtp',
    send: async (m) => {
      await real.send(m);
      await killed;
      throw new Error('the process was killed');
    },
  };
}

async function crashOnNextMessage(smtp: TestSmtp, transport: MailTransport, rowId: string) {
  const accepted = new Promise<void>((resolve) => (smtp.onAccepted = () => resolve()));
  let kill!: () => void;
  const killed = new Promise<void>((resolve) => (kill = resolve));
  const done = processMailOutbox({
    transport: crashAfterAccept(transport, killed),
    owner: 'doomed-worker',
    max: 1,
  });
  doomed.push({ kill, done });
  await accepted;
  smtp.onAccepted = null;
  const row = await getDb().mailMessage.findUniqueOrThrow({ where: { id: rowId } });
  expect(row.sendStartedAt).not.toBeNull(); // recorded before the conversation…
  expect(row.sentAt).toBeNull(); // …and the worker died before recording the outcome
  // The doomed worker's lease runs out.
  await getDb().mailMessage.update({
    where: { id: rowId },
    data: { leaseUntil: new Date(Date.now() - 1000) },
  });
}

/**
 * Drill 2 (docs/operations.md, "What happens if the portal dies during …"): a portal process
 * (tests/helpers/crash-child.ts) runs the mail outbox and is killed with SIGKILL once the SMTP server
 * has the whole message and has not answered 250 (it stalls). Then the dead worker's lease runs out.
 */
async function killMidData(smtp: TestSmtp, rowId: string) {
  const before = smtp.stalled.length;
  smtp.stallData = true;
  try {
    await killWhen(
      startCrashChild('mail', {}, { SMTP_URL: smtp.url }),
      async () => smtp.stalled.length > before,
    );
  } finally {
    smtp.stallData = false;
  }
  const row = await getDb().mailMessage.findUniqueOrThrow({ where: { id: rowId } });
  expect({ started: row.sendStartedAt !== null, sent: row.sentAt, owner: row.leaseOwner }).toEqual({
    started: true,
    sent: null,
    owner: 'crash-child',
  });
  await getDb().mailMessage.update({
    where: { id: rowId },
    data: { leaseUntil: new Date(Date.now() - 1000) },
  });
}

describe.each(dialects())('crash after the SMTP server accepted, on %s', (dialect) => {
  const mail = mailSuite(dialect);

  it('every template has a declared guarantee with a reason', () => {
    for (const [template, d] of Object.entries(DELIVERY)) expect(d.why.length, template).toBeGreaterThan(20);
  });

  it('a block notice (at-least-once) is sent again as the same message: same Message-ID, same single-use link, one notice_sent', async () => {
    const email = `crash-notice-${dialect}@t.example`;
    const { account, creds } = await makeAccount({ members: [email] });
    const block = await makeBlock(account.id, { calls: [{ sipUsername: creds[0].username }] });
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }),
    );
    const row = await getDb().mailMessage.findFirstOrThrow({ where: { to: email } });

    await crashOnNextMessage(mail.smtp, mail.transport, row.id);
    expect(await processMailOutbox({ transport: mail.transport, owner: 'next-worker' })).toBe(1);

    const copies = mail.smtp.to(email);
    expect(copies).toHaveLength(2);
    expect(copies.map((c) => c.messageId)).toEqual([messageIdFor(row.id), messageIdFor(row.id)]);
    expect(copies[1].text).toBe(copies[0].text);
    expect(copies[1].headers.get('date')).toBe(copies[0].headers.get('date'));
    expect(signInLinkOf(copies[1])).toBe(signInLinkOf(copies[0]));
    const done = await getDb().mailMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(done).toMatchObject({ status: 'done', messageId: messageIdFor(row.id) });
    expect(await getDb().blockEvent.count({ where: { blockId: block.id, type: 'notice_sent' } })).toBe(1);
    expect(await getDb().verificationToken.count({ where: { identifier: email } })).toBe(1);
  });

  it('a re-sent notice never revives a link that was already used', async () => {
    const email = `crash-used-${dialect}@t.example`;
    const { account, creds } = await makeAccount({ members: [email] });
    const block = await makeBlock(account.id, {
      reason: 'hotspot_source_ip',
      calls: [
        { sipUsername: creds[0].username, to: '+442071234567', sourceIp: '198.51.100.9', durationSec: 3 },
      ],
    });
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }),
    );
    const row = await getDb().mailMessage.findFirstOrThrow({ where: { to: email } });
    await crashOnNextMessage(mail.smtp, mail.transport, row.id);
    // The recipient used the first copy: the token is gone.
    const token = new URL(signInLinkOf(mail.smtp.to(email)[0])!).searchParams.get('token')!;
    await getDb().verificationToken.delete({ where: { token: hashLinkToken(token) } });

    expect(await processMailOutbox({ transport: mail.transport, owner: 'next-worker' })).toBe(1);
    expect(mail.smtp.to(email)).toHaveLength(2);
    expect(await getDb().verificationToken.count({ where: { identifier: email } })).toBe(0);
  });

  it('a decision email (at-most-once) is not sent again: the row is failed with the reason', async () => {
    const email = `crash-decision-${dialect}@t.example`;
    const { account, users } = await makeAccount({ members: [email] });
    const block = await makeBlock(account.id);
    const request = await getDb().unblockRequest.create({
      data: {
        blockId: block.id,
        accountId: account.id,
        kind: 'misdial',
        status: 'approved',
        submittedById: users[0].id,
        whatHappened: 'Typo',
        callbackPhone: '+12125550100',
        decidedAt: new Date(),
      },
    });
    await getDb().$transaction((tx) =>
      queueMail(tx, email, 'request_approved', { requestId: request.id, userId: users[0].id }),
    );
    const row = await getDb().mailMessage.findFirstOrThrow({ where: { to: email } });

    await crashOnNextMessage(mail.smtp, mail.transport, row.id);
    expect(await processMailOutbox({ transport: mail.transport, owner: 'next-worker' })).toBe(0);

    expect(mail.smtp.to(email)).toHaveLength(1);
    const failed = await getDb().mailMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(failed.status).toBe('failed');
    expect(failed.lastError).toMatch(/uncertain.*at-most-once/);
  });
  it('killed mid-DATA: a block notice (at-least-once) is delivered once after the restart, as the same message', async () => {
    const email = `kill-notice-${dialect}@t.example`;
    const { account, creds } = await makeAccount({ members: [email] });
    const block = await makeBlock(account.id, { calls: [{ sipUsername: creds[0].username }] });
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }),
    );
    const row = await getDb().mailMessage.findFirstOrThrow({ where: { to: email } });
    await killMidData(mail.smtp, row.id);
    expect(mail.smtp.to(email)).toHaveLength(0); // the stalled copy was never taken

    expect(await processMailOutbox({ transport: mail.transport, owner: 'restarted' })).toBe(1);
    expect(mail.smtp.to(email).map((m) => m.messageId)).toEqual([messageIdFor(row.id)]);
    expect(signInLinkOf(mail.smtp.to(email)[0])).toBeTruthy();
    expect(await getDb().mailMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'done',
      messageId: messageIdFor(row.id),
    });
    expect(await getDb().blockEvent.count({ where: { blockId: block.id, type: 'notice_sent' } })).toBe(1);
    expect(await getDb().verificationToken.count({ where: { identifier: email } })).toBe(1);
  });

  it('killed mid-DATA: "calling is back" (at-most-once) is not re-sent; the row is failed "uncertain", for support', async () => {
    const email = `kill-lifted-${dialect}@t.example`;
    const { account } = await makeAccount({ members: [email] });
    const block = await makeBlock(account.id);
    // "Calling is back" is sent only while no block is in force (lib/mail/render.ts).
    await getDb().block.update({ where: { id: block.id }, data: { status: 'lifted', liftedAt: new Date() } });
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, account.id, 'block_lifted', { blockId: block.id }),
    );
    const row = await getDb().mailMessage.findFirstOrThrow({ where: { to: email } });
    await killMidData(mail.smtp, row.id);

    expect(await processMailOutbox({ transport: mail.transport, owner: 'restarted' })).toBe(0);
    expect(mail.smtp.to(email)).toHaveLength(0);
    const failed = await getDb().mailMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect({ status: failed.status, error: failed.lastError }).toEqual({
      status: 'failed',
      error: expect.stringMatching(/^uncertain: .*at-most-once/),
    });
  });
});
