import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { queueMail, queueMailToMembers } from '@/lib/mail/queue';
import { smtpTransport, type MailTransport, type OutgoingMail } from '@/lib/mail/transport';
import { messageIdFor, processMailOutbox } from '@/lib/mail/worker';
import { dialects } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { holdRunOut, mailSuite } from '@/tests/helpers/mail-suite';

// Review: the mail worker's writes after a send did not check the lease owner, and an SMTP
// conversation had no overall deadline (nodemailer's timeouts bound each wait, not the whole; an
// SMTP_URL can lengthen them). A send that outlasted the 120 s lease let a second worker take the row:
// it marked an at-most-once mail failed "uncertain" while the first then delivered it (whose markSent
// then matched nothing), or the first's late failure rescheduled the row the second was sending.
// Now each send is raced against a deadline inside the lease; a 250 that comes after it is still
// recorded; retryLater and fail write only while their worker holds the lease. Real SMTP server,
// both databases; a transport wrapper holds a send where a test needs it.

/** Time passes: every pending message is due now, and a hold of the outbox has run out. */
const fastForward = () => {
  holdRunOut();
  return getDb().mailMessage.updateMany({
    where: { status: 'pending' },
    data: { nextAttemptAt: new Date(Date.now() - 1000) },
  });
};

/** A promise and its resolve, for a test to release a held send. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe.each(dialects())('the mail worker and its lease, on %s', (dialect) => {
  const mail = mailSuite(dialect);
  beforeEach(async () => {
    await getDb().mailMessage.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
  });

  /** A block notice (at-least-once) to one member of a new blocked account: its row. */
  async function notice() {
    const email = uniqueEmail('lease');
    const { account, creds } = await makeAccount({ members: [email] });
    const block = await makeBlock(account.id, { calls: [{ sipUsername: creds[0].username }] });
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }),
    );
    return getDb().mailMessage.findFirstOrThrow({ where: { to: email } });
  }

  /** A decision mail (at-most-once): an approval of a request whose block is still lifting. */
  async function approval() {
    const email = uniqueEmail('lease');
    const { account, users } = await makeAccount({ members: [email] });
    const block = await makeBlock(account.id);
    await getDb().block.update({ where: { id: block.id }, data: { status: 'lift_pending' } });
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
    return getDb().mailMessage.findFirstOrThrow({ where: { to: email } });
  }

  it('a server that never answers the content, with nodemailer told to wait longer: the worker gives up at its deadline', async () => {
    const row = await notice();
    // As an SMTP_URL with ?socketTimeout=… would: nodemailer alone waits 3 s for the 250.
    const patient = smtpTransport(mail.smtp.url, {
      connectionTimeout: 3000,
      greetingTimeout: 3000,
      socketTimeout: 3000,
    });
    mail.smtp.stallData = true;
    const started = Date.now();
    try {
      expect(await processMailOutbox({ transport: patient, sendDeadlineMs: 500 })).toBe(0);
    } finally {
      mail.smtp.stallData = false;
    }
    expect(Date.now() - started).toBeLessThan(2500);
    // Recorded as interrupted (the server had the content: it may have been delivered), lease released.
    const after = await getDb().mailMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(after).toMatchObject({ status: 'pending', attempts: 1, leaseOwner: null });
    expect(after.sendStartedAt).not.toBeNull();
    expect(after.lastError).toMatch(/EDEADLINE: the SMTP conversation took longer than 500 ms/);
    // An at-least-once notice is sent again, as the same message.
    await fastForward();
    expect(await mail.deliver()).toBe(1);
    expect(mail.smtp.to(row.to).map((m) => m.messageId)).toEqual([messageIdFor(row.id)]);
  });

  it('an at-most-once mail sent past its deadline and judged "uncertain" meanwhile: its late 250 marks it sent', async () => {
    const row = await approval();
    const release = gate();
    let delivered!: Promise<unknown>;
    // Delivers for real, but only once released: as a relay that answers long after the deadline.
    const late: MailTransport = {
      kind: 'smtp',
      send: (m: OutgoingMail) => {
        const sending = release.opened.then(() => mail.transport.send(m));
        delivered = sending.catch(() => undefined);
        return sending;
      },
    };
    expect(await processMailOutbox({ transport: late, owner: 'slow', sendDeadlineMs: 300 })).toBe(0);
    expect(await getDb().mailMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'pending',
      leaseOwner: null,
      lastError: expect.stringMatching(/EDEADLINE/),
    });
    // Another worker finds the attempt interrupted: an at-most-once mail is not sent again.
    await fastForward();
    expect(await processMailOutbox({ transport: mail.transport, owner: 'next' })).toBe(0);
    expect(await getDb().mailMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^uncertain/),
    });
    // The first conversation ends after all with the server's 250: the row says it was delivered.
    release.open();
    await delivered;
    await expect
      .poll(async () => (await getDb().mailMessage.findUniqueOrThrow({ where: { id: row.id } })).status)
      .toBe('done');
    expect(await getDb().mailMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      messageId: messageIdFor(row.id),
      lastError: null,
    });
    expect(mail.smtp.to(row.to)).toHaveLength(1);
  });

  it.each([
    [
      'temporary',
      Object.assign(new Error('Service not available'), { code: 'EENVELOPE', responseCode: 421 }),
    ],
    [
      'permanent',
      Object.assign(new Error('No such user'), {
        code: 'EENVELOPE',
        responseCode: 550,
        command: 'RCPT TO',
        response: '550 5.1.1 No such user',
      }),
    ],
  ])(
    'a worker whose lease ran out during the send, failing then (%s): the row another worker holds is left alone',
    async (_kind, error) => {
      const row = await notice();
      const [aHeld, aRelease, bHeld, bRelease] = [gate(), gate(), gate(), gate()];
      const held = (
        entered: () => void,
        released: Promise<void>,
        then: (m: OutgoingMail) => Promise<never> | ReturnType<MailTransport['send']>,
      ): MailTransport => ({
        kind: 'smtp',
        send: async (m) => {
          entered();
          await released;
          return then(m);
        },
      });
      // Worker A starts the conversation and stalls in it.
      const a = processMailOutbox({
        transport: held(aHeld.open, aRelease.opened, () => Promise.reject(error)),
        owner: 'worker-a',
        max: 1,
      });
      await aHeld.opened;
      // A's lease runs out (a send outliving it, or a frozen process); worker B takes the row.
      await getDb().mailMessage.update({
        where: { id: row.id },
        data: { leaseUntil: new Date(Date.now() - 1000) },
      });
      const b = processMailOutbox({
        transport: held(bHeld.open, bRelease.opened, (m) => mail.transport.send(m)),
        owner: 'worker-b',
        max: 1,
      });
      await bHeld.opened;
      // A's conversation fails now: it must neither reschedule nor fail B's row.
      aRelease.open();
      expect(await a).toBe(0);
      expect(await getDb().mailMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
        status: 'pending',
        leaseOwner: 'worker-b',
        attempts: 0,
      });
      // B delivers it.
      bRelease.open();
      expect(await b).toBe(1);
      expect(await getDb().mailMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
        status: 'done',
        messageId: messageIdFor(row.id),
      });
      expect(mail.smtp.to(row.to)).toHaveLength(1);
    },
  );
});
