import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { queueMail, queueMailToMembers, type MailTemplate } from '@/lib/mail/queue';
import { renderMessage } from '@/lib/mail/render';
import { dialects } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeRequest } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { holdRunOut, mailSuite } from '@/tests/helpers/mail-suite';
import { signInLinkOf } from '@/tests/helpers/mime';

// A mail about a state that ended before it could be sent (review: after an SMTP outage the "calling
// is back" mail arrived before the block notice, which then said "blocked … action needed" for a
// lifted block). The outbox retries each row with its own backoff, so after an outage any order is
// possible; lib/mail/render.ts words each mail for the state it finds when it sends it, skips one a
// later mail says all of (recorded as `superseded: …`), and sends "calling is back" after the notice.
// Real parts: a real SMTP server, both databases; the states are written as the lifecycle leaves them.

/** Time passes: every pending message is due now, and a hold of the outbox has run out. */
const fastForward = () => {
  holdRunOut();
  return getDb().mailMessage.updateMany({
    where: { status: 'pending' },
    data: { nextAttemptAt: new Date(Date.now() - 1000) },
  });
};

const lift = (id: string, at = new Date()) =>
  getDb().block.update({ where: { id }, data: { status: 'lifted', liftedAt: at } });

const rowOf = (to: string, template: MailTemplate) =>
  getDb().mailMessage.findFirstOrThrow({ where: { to, template } });

describe.each(dialects())('mail about a state that ended before it was sent, on %s', (dialect) => {
  const mail = mailSuite(dialect);
  beforeEach(async () => {
    // Each test starts with an empty outbox, so the worker only sees that test's messages.
    await getDb().mailMessage.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
    mail.smtp.refuseWith = null;
  });

  /** An account with one member (`email`), its block with one call, and that block's notice queued. */
  async function blockedWithNotice() {
    const email = uniqueEmail('stale');
    const made = await makeAccount({ members: [email] });
    const block = await makeBlock(made.account.id, {
      placedAt: new Date(Date.now() - 3 * 3600_000),
      calls: [{ sipUsername: made.creds[0].username }],
    });
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, made.account.id, 'block_notice', { blockId: block.id }),
    );
    return { ...made, email, user: made.users[0], block };
  }

  it('SMTP down from the block to its lift: the notice goes first and says the block is over, then "calling is back"', async () => {
    const f = await blockedWithNotice();
    // 09:00 the block; the mail server refuses, and the notice backs off (here: due in 5 minutes).
    mail.smtp.refuseWith = { code: 421, message: 'Service not available, try again later' };
    expect(await mail.deliver()).toBe(0);
    const notice = await rowOf(f.email, 'block_notice');
    expect(notice).toMatchObject({ status: 'pending', attempts: 1 });
    await getDb().mailMessage.update({
      where: { id: notice.id },
      data: { nextAttemptAt: new Date(Date.now() + 5 * 60_000) },
    });
    // 10:55 the lift (as the switch's confirmation leaves it): its mail is due at once.
    await lift(f.block.id);
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, f.account.id, 'block_lifted', { blockId: f.block.id }),
    );
    // 11:00 the mail server is back (the outbox's hold ran out long ago): "calling is back" is due,
    // the notice not yet; it waits.
    mail.smtp.refuseWith = null;
    holdRunOut();
    expect(await mail.deliver()).toBe(0);
    expect(mail.smtp.to(f.email)).toHaveLength(0);
    const waiting = await rowOf(f.email, 'block_lifted');
    expect(waiting).toMatchObject({ status: 'pending', attempts: 0 });
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 4 * 60_000);
    // The notice's time comes: it goes, then "calling is back".
    await getDb().mailMessage.update({ where: { id: notice.id }, data: { nextAttemptAt: new Date() } });
    expect(await mail.deliver()).toBe(1);
    await fastForward();
    expect(await mail.deliver()).toBe(1);
    const sent = mail.smtp.to(f.email);
    expect(sent.map((m) => m.subject)).toEqual([
      `International calling was blocked on ${f.account.name} (${f.account.number}); that block is lifted`,
      `International calling is back on ${f.account.name} (${f.account.number})`,
    ]);
    // What happened, and that it is over: the calls, no steps, no sign-in link, nothing "needed".
    expect(sent[0].text).toContain('That block was lifted on');
    expect(sent[0].text).toContain('What happened');
    expect(sent[0].text).toContain(`Through SIP credential ${f.creds[0].username}`);
    expect(sent[0].text).not.toContain('What to do now');
    expect(sent[0].text).not.toContain('action needed');
    expect(signInLinkOf(sent[0])).toBeNull();
  });

  it('lifted and blocked again before the mail went out: the old notice names the newer block, "calling is back" is not sent', async () => {
    const f = await blockedWithNotice();
    await lift(f.block.id, new Date(Date.now() - 3600_000));
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, f.account.id, 'block_lifted', { blockId: f.block.id }),
    );
    // A new block of the account (its own notice goes to the same member).
    const newer = await makeBlock(f.account.id, { calls: [{ sipUsername: f.creds[1].username }] });
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, f.account.id, 'block_notice', { blockId: newer.id }),
    );
    await fastForward();
    while ((await mail.deliver()) > 0) await fastForward();
    const subjects = mail.smtp.to(f.email).map((m) => m.subject);
    expect(subjects.sort()).toEqual(
      [
        `International calling blocked on ${f.account.name} (${f.account.number}): action needed`,
        `International calling was blocked on ${f.account.name} (${f.account.number}); that block is lifted`,
      ].sort(),
    );
    const old = mail.smtp.to(f.email).find((m) => m.subject.includes('that block is lifted'))!;
    expect(old.text).toContain(`A newer block is in force on ${f.account.name} (${f.account.number}) now`);
    expect(await rowOf(f.email, 'block_lifted')).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^not sent: superseded: a newer block is in force/),
    });
  });

  it('"calling is back" waits for the notice of its own account, however many notices of other accounts are pending', async () => {
    const f = await blockedWithNotice();
    // After an outage the member has more pending notices of another account than one read took
    // (100), all due before this account's notice.
    const other = await makeAccount({ members: [] });
    const otherBlock = await makeBlock(other.account.id);
    const soon = Date.now() + 3600_000;
    await getDb().mailMessage.createMany({
      data: Array.from({ length: 101 }, (_, i) => ({
        to: f.email,
        template: 'block_notice',
        payload: JSON.stringify({ blockId: otherBlock.id }),
        nextAttemptAt: new Date(soon + i),
      })),
    });
    const notice = await rowOf(f.email, 'block_notice');
    await getDb().mailMessage.update({
      where: { id: notice.id },
      data: { nextAttemptAt: new Date(Date.now() + 2 * 3600_000) },
    });
    await lift(f.block.id);
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, f.account.id, 'block_lifted', { blockId: f.block.id }),
    );
    expect(await mail.deliver()).toBe(0);
    expect(mail.smtp.to(f.email)).toHaveLength(0);
    const waiting = await rowOf(f.email, 'block_lifted');
    expect(waiting).toMatchObject({ status: 'pending', attempts: 0 });
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 1.5 * 3600_000);
  });

  describe('what a lift closed, when a newer block makes its "calling is back" untrue', () => {
    /**
     * An account with two members: `asker` asked for an unblock and for an allowance under block A,
     * which was lifted an hour ago (both requests closed by the lift, its "calling is back" queued to
     * both members); then a newer block B came, its notice queued to both. `liftFirst`: which of the
     * two mails the worker takes first.
     */
    async function liftedThenBlockedAgain(liftFirst: boolean) {
      const asker = uniqueEmail('asker');
      const other = uniqueEmail('other');
      const made = await makeAccount({ members: [asker, other] });
      const ago = (h: number) => new Date(Date.now() - h * 3600_000);
      const a = await makeBlock(made.account.id, { placedAt: ago(3) });
      const request = await makeRequest(a, made.users[0].id, { createdAt: ago(2.5) });
      await getDb().unblockRequest.update({
        where: { id: request.id },
        data: { status: 'withdrawn', openKey: null, decidedAt: ago(1) },
      });
      const allowance = await getDb().destinationAllowance.create({
        data: {
          accountId: made.account.id,
          blockId: a.id,
          country: 'SO',
          hours: 4,
          reason: 'Calls to our clinic in Mogadishu',
          status: 'closed',
          requestedById: made.users[0].id,
          endedAt: ago(1),
          endReason: 'block_lifted',
          createdAt: ago(2),
        },
      });
      await lift(a.id, ago(1));
      await getDb().$transaction((tx) =>
        queueMailToMembers(tx, made.account.id, 'block_lifted', {
          blockId: a.id,
          closedRequestIds: [request.id],
          closedAllowanceIds: [allowance.id],
        }),
      );
      await getDb().mailMessage.updateMany({
        where: { template: 'block_lifted', to: { in: [asker, other] } },
        data: { createdAt: ago(1) },
      });
      const b = await makeBlock(made.account.id, { calls: [{ sipUsername: made.creds[0].username }] });
      await getDb().$transaction((tx) =>
        queueMailToMembers(tx, made.account.id, 'block_notice', { blockId: b.id }),
      );
      // The worker takes the due rows oldest due time first.
      await getDb().mailMessage.updateMany({
        where: { to: { in: [asker, other] }, template: liftFirst ? 'block_lifted' : 'block_notice' },
        data: { nextAttemptAt: ago(0.5) },
      });
      await getDb().mailMessage.updateMany({
        where: { to: { in: [asker, other] }, template: liftFirst ? 'block_notice' : 'block_lifted' },
        data: { nextAttemptAt: ago(0.25) },
      });
      while ((await mail.deliver()) > 0) await fastForward();
      return { ...made, asker, other, request };
    }

    for (const liftFirst of [true, false])
      it(`each customer is told (the ${liftFirst ? '"calling is back"' : 'newer notice'} taken first)`, async () => {
        const f = await liftedThenBlockedAgain(liftFirst);
        const label = `${f.account.name} (${f.account.number})`;
        const toAsker = mail.smtp.to(f.asker);
        expect(toAsker.map((m) => m.subject).sort()).toEqual(
          [
            `International calling blocked on ${label}: action needed`,
            `Your unblock request for ${label} is closed`,
          ].sort(),
        );
        // The unblock request: its own mail, as a lift that leaves a newer block in force sends it.
        const closed = toAsker.find((m) => m.subject.includes('is closed'))!;
        expect(closed.text).toContain(
          'is closed without a decision: the block it was about was lifted, but another block is in force',
        );
        // The allowance request: the newer block's notice names it, to every member.
        for (const to of [f.asker, f.other]) {
          const notice = mail.smtp.to(to).find((m) => m.subject.includes('action needed'))!;
          expect(notice.text).toContain('is closed without a decision: it was asked under an earlier block');
        }
        // The other member did not ask: the notice only.
        expect(mail.smtp.to(f.other)).toHaveLength(1);
        for (const to of [f.asker, f.other])
          expect(await rowOf(to, 'block_lifted')).toMatchObject({
            status: 'failed',
            lastError: expect.stringMatching(/^not sent: superseded: a newer block is in force/),
          });
        // A render of the superseded mail again (a lease lost before the row was failed) queues nothing more.
        const again = await rowOf(f.asker, 'block_lifted');
        expect(await renderMessage(again, new Date())).toMatchObject({ ok: false });
        expect(
          await getDb().mailMessage.count({
            where: { template: 'request_closed', payload: { contains: f.request.id } },
          }),
        ).toBe(1);
      });
  });

  describe('unblock requests', () => {
    async function requestMail(
      template: MailTemplate,
      state: { status?: 'pending' | 'approved' | 'denied' | 'withdrawn'; lifted?: boolean },
    ) {
      const email = uniqueEmail('req');
      const made = await makeAccount({ members: [email] });
      const block = await makeBlock(made.account.id);
      const request = await makeRequest(block, made.users[0].id);
      if (state.status && state.status !== 'pending')
        await getDb().unblockRequest.update({
          where: { id: request.id },
          data: { status: state.status, openKey: null, decidedAt: new Date(), denyReason: 'No call back.' },
        });
      if (state.lifted) await lift(block.id, new Date('2026-11-25T10:55:00Z'));
      await getDb().$transaction((tx) =>
        queueMail(tx, email, template as 'request_received', {
          requestId: request.id,
          userId: made.users[0].id,
        }),
      );
      await mail.deliver();
      return { email, sent: mail.smtp.to(email), row: await rowOf(email, template) };
    }

    it('a receipt of a request decided since is not sent: the decision says it', async () => {
      const { sent, row } = await requestMail('request_received', { status: 'approved' });
      expect(sent).toHaveLength(0);
      expect(row.lastError).toMatch(/^not sent: superseded: the request was decided/);
    });

    it('an approval undone since (its lift did not happen) is not sent; "still blocked" is, without "we told you"', async () => {
      const approved = await requestMail('request_approved', { status: 'pending' });
      expect(approved.sent).toHaveLength(0);
      expect(approved.row.lastError).toMatch(/^not sent: superseded: the approval was undone/);
      const failed = await requestMail('request_lift_failed', { status: 'pending' });
      expect(failed.sent).toHaveLength(1);
      expect(failed.sent[0].text).toContain('A support agent approved your request');
      expect(failed.sent[0].text).not.toContain('We told you');
    });

    it('an approval sent after the block was lifted says it was lifted, not "we are lifting it now"', async () => {
      const { sent } = await requestMail('request_approved', { status: 'approved', lifted: true });
      expect(sent).toHaveLength(1);
      expect(sent[0].text).toContain('Our phone system lifted the block on Nov 25, 2026');
      expect(sent[0].text).not.toContain('We are lifting the block');
    });

    it('a denial sent after the block was lifted says so, not "stays blocked"', async () => {
      const { sent } = await requestMail('request_denied', { status: 'denied', lifted: true });
      expect(sent).toHaveLength(1);
      expect(sent[0].text).toContain('No call back.');
      expect(sent[0].text).toContain('has since been lifted, on Nov 25, 2026');
      expect(sent[0].text).not.toContain('stays blocked');
    });

    it('"still blocked" after the block was lifted is not sent', async () => {
      const { sent, row } = await requestMail('request_lift_failed', { status: 'pending', lifted: true });
      expect(sent).toHaveLength(0);
      expect(row.lastError).toMatch(/^not sent: superseded:/);
    });

    it('a request closed by a lift while another block was in force, sent when none is: no "still blocked"', async () => {
      const { sent } = await requestMail('request_closed', { status: 'withdrawn', lifted: true });
      expect(sent).toHaveLength(1);
      expect(sent[0].text).toContain('is closed without a decision: the block it was about was lifted.');
      expect(sent[0].text).not.toContain('still blocked');
    });
  });

  describe('destination allowances', () => {
    async function allowanceMail(
      template: 'allowance_started' | 'allowance_ended',
      status: string,
      until = new Date(Date.now() + 3600_000),
    ) {
      const email = uniqueEmail('allow');
      const made = await makeAccount({ members: [email] });
      const block = await makeBlock(made.account.id);
      const a = await getDb().destinationAllowance.create({
        data: {
          accountId: made.account.id,
          blockId: block.id,
          country: 'SO',
          hours: 4,
          reason: 'Calls to our clinic in Mogadishu',
          status,
          until,
          startedAt: new Date(Date.now() - 3600_000),
          ...(status === 'ended' ? { endedAt: new Date(), endReason: 'block_lifted' } : {}),
        },
      });
      if (status === 'ended') await lift(block.id);
      await getDb().$transaction((tx) =>
        queueMailToMembers(tx, made.account.id, template, { allowanceId: a.id }),
      );
      await mail.deliver();
      return { sent: mail.smtp.to(email), row: await rowOf(email, template) };
    }

    it('"allowed until …" for an allowance that has ended since is not sent', async () => {
      const { sent, row } = await allowanceMail('allowance_started', 'ended');
      expect(sent).toHaveLength(0);
      expect(row.lastError).toMatch(/^not sent: superseded: the allowance ended/);
    });

    it('"blocked again" after the block itself was lifted is not sent', async () => {
      const { sent, row } = await allowanceMail('allowance_ended', 'ended');
      expect(sent).toHaveLength(0);
      expect(row.lastError).toMatch(/^not sent: superseded: no block is in force/);
    });

    it("an allowance the switch still lists is announced, though its end has passed on the portal's clock", async () => {
      // The portal's clock runs ahead of the switch's: the allowance is in force until the switch
      // drops it (the watch then ends it), so "allowed until …" is still true.
      const { sent } = await allowanceMail('allowance_started', 'active', new Date(Date.now() - 60_000));
      expect(sent).toHaveLength(1);
      expect(sent[0].subject).toContain('Calls to Somalia (SO) are allowed for a while');
    });

    it('an allowance still running is announced as before', async () => {
      const { sent } = await allowanceMail('allowance_started', 'active');
      expect(sent).toHaveLength(1);
      expect(sent[0].subject).toContain('Calls to Somalia (SO) are allowed for a while');
    });
  });
});
