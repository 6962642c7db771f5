import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { sqlitePath } from '@/lib/server/db/url';
import { INTERACTIVE_IN_A_ROW, processMailOutbox } from '@/lib/mail/worker';
import { mailOutboxHeldMs, RELAY_HOLD_FIRST_MS } from '@/lib/mail/server-state';
import { queueMail, queueMailToMembers } from '@/lib/mail/queue';
import { NOT_SENT } from '@/lib/mail/render';
import { renderMetrics } from '@/lib/server/metrics';
import { seal } from '@/lib/server/seal';
import { dialects } from '@/tests/helpers/db';
import { makeBlock } from '@/tests/helpers/factory';
import { mailSuite } from '@/tests/helpers/mail-suite';
import { sample } from '@/tests/helpers/metrics';

// Mail in a mass toll-fraud wave (review, issue "mail in a wave"): thousands of block notices queued
// at once must not hold back the mail a person is waiting for (a sign-in link, a code), and a relay
// that throttles the portal must get one attempt per backoff, not one per queued message. Over a
// real SMTP server (tests/helpers/smtp.ts).

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A fraud wave's backlog: an account of `n` members, blocked, with a block notice queued to each,
 * due a minute ago (before anything a test queues next). Returns the members' addresses.
 */
async function wave(n: number, tag: string): Promise<string[]> {
  const db = getDb();
  const id = crypto.randomBytes(6).toString('hex');
  const account = await db.customerAccount.create({
    data: { number: `ACC-${crypto.randomInt(10 ** 11, 10 ** 12)}`, name: `Wave ${id}` },
  });
  const emails = Array.from({ length: n }, (_, i) => `${tag}-${i}-${id}@wave.example`);
  await db.user.createMany({ data: emails.map((email) => ({ email, role: 'customer' as const })) });
  const users = await db.user.findMany({ where: { email: { in: emails } }, select: { id: true } });
  await db.membership.createMany({ data: users.map((u) => ({ userId: u.id, accountId: account.id })) });
  const block = await makeBlock(account.id);
  await db.$transaction((tx) => queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }));
  await db.mailMessage.updateMany({
    where: { to: { in: emails }, template: 'block_notice' },
    data: { nextAttemptAt: new Date(Date.now() - 60_000) },
  });
  return emails;
}

/** A login that asked for a sign-in link (as lib/auth/email-link-provider.ts queues it), valid `validMs`. */
async function askForLink(email: string, validMs = 15 * 60_000) {
  await getDb().user.create({ data: { email, role: 'customer' } });
  await queueMail(getDb(), email, 'sign_in_link', {
    sealedUrl: seal(
      `http://localhost:3000/sign-in/link?token=${'a'.repeat(64)}&callbackUrl=%2F`,
      'mail-payload-v1',
    ),
    expires: new Date(Date.now() + validMs).toISOString(),
  });
}

const attempts = async (emails: string[]) =>
  (await getDb().mailMessage.aggregate({ where: { to: { in: emails } }, _sum: { attempts: true } }))._sum
    .attempts ?? 0;

describe.each(dialects())('mail in a fraud wave on %s', (dialect) => {
  const mail = mailSuite(dialect);
  const deliver = (max?: number) => processMailOutbox({ transport: mail.transport, max });
  beforeEach(async () => {
    // Each test starts with an empty outbox and a mail server that takes everything.
    await getDb().mailMessage.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
    mail.smtp.refuseWith = null;
    mail.smtp.rejectRcpt.clear();
  });

  it('a sign-in link asked for behind 200 block notices due earlier is sent first', async () => {
    const notices = await wave(200, 'first');
    const asker = `asker-${dialect}@wave.example`;
    await askForLink(asker);
    const before = mail.smtp.received.length;

    expect(await deliver(1)).toBe(1);
    const [first] = mail.smtp.received.slice(before);
    expect(first.rcptTo).toEqual([asker]);
    expect(first.subject).toMatch(/sign-in link/i);
    // The notices follow, in their due order.
    expect(await deliver(2)).toBe(2);
    expect(
      mail.smtp.received
        .slice(before + 1)
        .flatMap((m) => m.rcptTo)
        .every((to) => notices.includes(to)),
    ).toBe(true);
  });

  it('interactive mail without end still lets one notice through after each run of them', async () => {
    const notices = await wave(5, 'fair');
    const askers = Array.from(
      { length: INTERACTIVE_IN_A_ROW + 2 },
      (_, i) => `fair-ask-${i}-${dialect}@wave.example`,
    );
    for (const a of askers) await askForLink(a);
    const before = mail.smtp.received.length;

    expect(await deliver(INTERACTIVE_IN_A_ROW + 2)).toBe(INTERACTIVE_IN_A_ROW + 2);
    const order = mail.smtp.received
      .slice(before)
      .map((m) => (notices.includes(m.rcptTo[0]) ? 'notice' : 'link'));
    expect(order).toEqual([...Array(INTERACTIVE_IN_A_ROW).fill('link'), 'notice', 'link']);
  });

  it('a relay answering 421 to every message gets one attempt per hold, not one per message; the outbox drains once it answers again', async () => {
    const notices = await wave(20, 'throttle');
    mail.smtp.refuseWith = { code: 421, message: '4.7.0 Too many connections, slow down' };
    const before = mail.smtp.received.length;

    // The first refusal ends the tick and holds the outbox: one attempt, not twenty.
    expect(await deliver()).toBe(0);
    expect(await attempts(notices)).toBe(1);
    const firstHold = mailOutboxHeldMs();
    expect(firstHold).toBeGreaterThan(0);
    expect(firstHold).toBeLessThanOrEqual(RELAY_HOLD_FIRST_MS);
    const tried = await getDb().mailMessage.findFirstOrThrow({ where: { to: { in: notices }, attempts: 1 } });
    expect(tried).toMatchObject({ status: 'pending', sendStartedAt: null });
    expect(tried.lastError).toMatch(/421/);
    // Due again when the hold ends, not after a backoff of its own.
    expect(tried.nextAttemptAt.getTime() - Date.now()).toBeLessThanOrEqual(RELAY_HOLD_FIRST_MS);

    // The worker ticks every 50 ms for 2.5 s: the first hold (1–2 s) ends once, the second (2–4 s,
    // growing) does not.
    const start = Date.now();
    while (Date.now() - start < 2500) {
      expect(await deliver()).toBe(0);
      await sleep(50);
    }
    expect(await attempts(notices)).toBe(2);
    expect(mailOutboxHeldMs()).toBeGreaterThan(0);

    // The relay takes mail again: once the hold ends, the whole backlog goes, each message once.
    mail.smtp.refuseWith = null;
    let sent = 0;
    const until = Date.now() + 15_000;
    while (sent < notices.length && Date.now() < until) {
      sent += await deliver();
      await sleep(50);
    }
    expect(sent).toBe(notices.length);
    const got = mail.smtp.received.slice(before).flatMap((m) => m.rcptTo);
    expect(got.sort()).toEqual([...notices].sort());
    expect(mailOutboxHeldMs()).toBe(0);
  });

  it("one recipient's refusal affects only that message: the tick goes on, the outbox is not held", async () => {
    const notices = await wave(5, 'one');
    mail.smtp.rejectRcpt.add(notices[0]);
    expect(await deliver()).toBe(4);
    expect(mailOutboxHeldMs()).toBe(0);
    const refused = await getDb().mailMessage.findFirstOrThrow({ where: { to: notices[0] } });
    expect(refused.status).toBe('failed');
    expect(refused.lastError).toMatch(/550/);
  });

  it('a link or code that expired before its turn is not sent, and is counted by template', async () => {
    const count = async (template: string) =>
      sample((await renderMetrics()).body, `tollgate_mail_expired_unsent_total{template="${template}"}`);
    const links = await count('sign_in_link');
    const codes = await count('enrolment_code');
    expect(links).toBeDefined();
    expect(codes).toBeDefined();

    const late = `late-${dialect}@wave.example`;
    await askForLink(late, -60_000); // asked for 16 minutes ago: it waited out its 15 minutes
    const coder = await getDb().user.create({
      data: { email: `late-code-${dialect}@wave.example`, role: 'customer' },
    });
    await queueMail(getDb(), coder.email, 'enrolment_code', {
      userId: coder.id,
      sessionId: 'session-gone',
      sealedCode: seal('123456', 'mail-payload-v1'),
      expires: new Date(Date.now() + 60_000).toISOString(), // under the 2 minutes it needs to be read
    });
    // Not sent for another reason (the login was disabled since): not counted.
    const gone = `gone-${dialect}@wave.example`;
    await askForLink(gone);
    await getDb().user.update({ where: { email: gone }, data: { disabled: true } });
    const before = mail.smtp.received.length;

    expect(await deliver()).toBe(0);
    expect(mail.smtp.received.length).toBe(before);
    const rows = await getDb().mailMessage.findMany({ where: { to: { in: [late, coder.email, gone] } } });
    expect(rows.every((r) => r.status === 'failed' && r.lastError?.startsWith(NOT_SENT))).toBe(true);
    expect(await count('sign_in_link')).toBe(links! + 1);
    expect(await count('enrolment_code')).toBe(codes! + 1);
  });

  it('the first claim reads the interactive rows through an index, not the whole due backlog', async () => {
    const db = getDb();
    // The worker's query for one interactive template (lib/mail/worker.ts interactiveMail).
    const claim = (param: (i: number) => string) =>
      `SELECT "id" FROM "MailMessage" WHERE "status" = 'pending' AND "template" = 'sign_in_link' AND ("leaseUntil" IS NULL OR "leaseUntil" < ${param(1)}) AND "nextAttemptAt" <= ${param(2)} ORDER BY "nextAttemptAt" ASC LIMIT 5`;
    if (dialect === 'sqlite') {
      const conn = new Database(sqlitePath(process.env.DATABASE_URL!), { readonly: true });
      try {
        const now = new Date().toISOString();
        const plan = conn.prepare(`EXPLAIN QUERY PLAN ${claim(() => '?')}`).all(now, now) as {
          detail: string;
        }[];
        expect(plan.map((p) => p.detail)).toContainEqual(
          expect.stringMatching(/USING INDEX MailMessage_status_template_nextAttemptAt_idx/),
        );
      } finally {
        conn.close();
      }
      return;
    }
    // PostgreSQL's planner reads a small table whole whatever its indexes: a wave's backlog first.
    await db.$executeRawUnsafe(
      `INSERT INTO "MailMessage" ("id", "to", "template", "payload", "status", "nextAttemptAt")
       SELECT 'plan-' || g, 'plan-' || g || '@wave.example', 'block_notice', '{}', 'pending', now() - interval '1 hour'
       FROM generate_series(1, 15000) g`,
    );
    try {
      await db.$executeRawUnsafe('ANALYZE "MailMessage"');
      const plan = await db.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${claim(() => 'now()')}`);
      expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toMatch(
        /Index Scan using "MailMessage_status_template_nextAttemptAt_idx"|Bitmap Index Scan on "MailMessage_status_template_nextAttemptAt_idx"/,
      );
    } finally {
      await db.$executeRawUnsafe(`DELETE FROM "MailMessage" WHERE "id" LIKE 'plan-%'`);
    }
  });
});
