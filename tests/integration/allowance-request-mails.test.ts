import { beforeEach, describe, expect, it } from 'vitest';
import { approveAllowance, denyAllowance, grantAllowance } from '@/lib/allowances/decide';
import { requestAllowance, requestAllowanceSchema } from '@/lib/allowances/request';
import type { CurrentUser } from '@/lib/auth/session';
import { queueMail } from '@/lib/mail/queue';
import { readPayload } from '@/lib/mail/payloads';
import { getDb } from '@/lib/server/db';
import { dialects } from '@/tests/helpers/db';
import { asCustomer, makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { mailSuite } from '@/tests/helpers/mail-suite';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';

// A customer who asks for a destination allowance hears back by mail, as one who asks for an unblock
// does (tester, support desk: the mail table held only the block notice): a receipt when they ask
// (allowance_received), the agent's denial with its reason (allowance_denied), each queued once in
// the transaction of the change. An approval is mailed only once the switch confirms it
// (allowance_started, tests/integration/allowances.test.ts); a request Tollgate closes is named by the
// mail of the block change that closed it, never by a second one. Real parts: an SMTP server, both
// databases, the switch's signed events.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const NOTE = 'We could not reach anyone on the callback number.';

describe.each(dialects())('mails to the customer who asked for an allowance, on %s', (dialect) => {
  const mail = mailSuite(dialect);
  beforeEach(async () => {
    // Each test starts with an empty outbox, so the worker only sees that test's messages.
    await getDb().mailMessage.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
  });

  /**
   * A blocked account with members `n` (the first asks), in `country` (its zone `timeZone`), each
   * member reading `locale`; the block has one call to Somalia.
   */
  async function blocked(
    opts: { members?: number; locale?: 'en' | 'es'; country?: string; timeZone?: string } = {},
  ) {
    const emails = Array.from({ length: opts.members ?? 1 }, () => uniqueEmail('ask'));
    const made = await makeAccount({ members: emails });
    const account = await getDb().customerAccount.update({
      where: { id: made.account.id },
      data: { country: opts.country ?? 'US', timeZone: opts.timeZone ?? 'America/New_York' },
    });
    for (const u of made.users)
      await getDb().user.update({ where: { id: u.id }, data: { locale: opts.locale ?? 'en' } });
    const block = await makeBlock(account.id, {
      placedAt: new Date(Date.now() - 60_000),
      calls: [{ sipUsername: made.creds[0].username }],
    });
    const users = made.users.map((u) => asCustomer(u));
    return { account, block, users, asker: users[0]! };
  }

  /** `callbackPhone` as the customer types it (default: a national number of a US account). */
  const ask = (user: CurrentUser, blockId: string, callbackPhone = '(202) 555-0143') =>
    requestAllowance(
      user,
      requestAllowanceSchema.parse({
        blockId,
        country: 'DE',
        hours: '4',
        reason: 'We must confirm an order with our supplier.',
        callbackPhone,
      }),
      meta,
    );
  const idOf = (r: Awaited<ReturnType<typeof ask>>) => {
    if (!r.ok) throw new Error(`request refused: ${JSON.stringify(r)}`);
    return r.data!.allowanceId;
  };
  const deny = (agent: CurrentUser, allowanceId: string) =>
    denyAllowance(agent, { allowanceId, note: NOTE }, meta);
  /** The outbox rows of `template` about allowance `id`, as `status to`. */
  const rows = async (template: string, id: string) =>
    (
      await getDb().mailMessage.findMany({
        where: { template, payload: { contains: `"allowanceId":${JSON.stringify(id)}` } },
        orderBy: { createdAt: 'asc' },
      })
    ).map((m) => m.to);
  const oneLine = (text: string) => text.replace(/\s+/g, ' ');

  it('a request queues one receipt, to the one who asked; asking again, at once or after, queues no other', async () => {
    const { block, users, asker } = await blocked({ members: 2 });
    // A double submit (two tabs, a double click): one request, one receipt.
    const twice = await Promise.all([ask(asker, block.id), ask(asker, block.id)]);
    expect(twice.filter((r) => r.ok)).toHaveLength(1);
    const id = idOf(twice.find((r) => r.ok)!);
    expect(await rows('allowance_received', id)).toEqual([asker.email]);
    expect((await ask(asker, block.id)).ok).toBe(false); // the country is asked for already
    expect(await getDb().mailMessage.count({ where: { template: 'allowance_received' } })).toBe(1);
    expect(await getDb().mailMessage.count({ where: { to: users[1]!.email } })).toBe(0);

    expect(await mail.deliver()).toBe(1);
    const [sent] = mail.smtp.to(asker.email);
    expect(sent.subject).toBe(
      `We received your request to allow calls to Germany (DE) — ${(await accountLabel(block.accountId)).en}`,
    );
    const text = oneLine(sent.text);
    expect(text).toMatch(
      /We received your request of \w{3} \d+, 2026, .+ (EST|EDT|GMT-[45]) to allow calls to Germany \(DE\) from .+ for 4 hours while international calling is blocked\./,
    );
    expect(text).toContain('We must confirm an order with our supplier.');
    expect(text).toContain('A support agent will call you back on +1 202 555 0143 before deciding.');
    expect(text).toContain('calls to Germany (DE) stay blocked');
    expect(text).toContain(`/blocks/${block.id}`);
    // "Allowed" is the switch's word: the receipt never says the calls are allowed.
    expect(text).not.toMatch(/calls to Germany \(DE\) are allowed/i);
  });

  it('in Spanish, on the zone and clock of the account’s country, for Spain and Latin America alike', async () => {
    const { block, asker } = await blocked({ locale: 'es', country: 'MX', timeZone: 'America/Mexico_City' });
    idOf(await ask(asker, block.id, '222 123 4567'));
    expect(await mail.deliver()).toBe(1);
    const [sent] = mail.smtp.to(asker.email);
    expect(sent.subject).toMatch(
      /^Hemos recibido su solicitud para permitir las llamadas a Alemania \(DE\) — /,
    );
    const text = oneLine(sent.text);
    // Mexico's 12-hour clock, in its own zone.
    expect(text).toMatch(
      /El \d+ \w+ 2026, \d+:\d\d [ap]\. ?m\. .+ recibimos su solicitud para permitir las llamadas a Alemania \(DE\) desde .+ durante 4 horas mientras las llamadas internacionales estén bloqueadas\./,
    );
    expect(text).toContain('Un agente de soporte le llamará al +52 222 123 4567 antes de decidir.');
    expect(text).toContain('Ver su solicitud');
    expect(text).not.toMatch(/vosotros|ordenador|móvil/);
  });

  it('a denial is mailed once, with the agent’s reason, to the one who asked; a second decision mails nothing', async () => {
    const { block, users, asker } = await blocked({ members: 2 });
    const id = idOf(await ask(asker, block.id));
    const [sam, ana] = [await makeStaff(), await makeStaff()];
    expect(await deny(sam, id)).toMatchObject({ ok: true });
    // Retried, or decided by a colleague at the same moment: refused, nothing more queued.
    expect(await deny(sam, id)).toMatchObject({ ok: false, code: 'conflict' });
    expect(await deny(ana, id)).toMatchObject({ ok: false, code: 'conflict' });
    expect(
      await approveAllowance(ana, { allowanceId: id, attest: 'on', note: 'Spoke with them.' }, meta),
    ).toMatchObject({ ok: false, code: 'conflict' });
    expect(await rows('allowance_denied', id)).toEqual([asker.email]);

    await mail.deliver();
    // The receipt was overtaken by the decision before it went (as request_received): the denial says it all.
    expect(mail.smtp.to(asker.email).map((m) => m.subject)).toEqual([
      `Request to allow calls to Germany (DE) declined — ${(await accountLabel(block.accountId)).en}`,
    ]);
    const receipt = await getDb().mailMessage.findFirstOrThrow({
      where: { template: 'allowance_received', to: asker.email },
    });
    expect(receipt).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^not sent: superseded: the request was decided or closed since/),
    });
    const text = oneLine(mail.smtp.to(asker.email)[0].text);
    expect(text).toMatch(
      /A support agent declined your request of .+ to allow calls to Germany \(DE\) from .+ for 4 hours\./,
    );
    expect(text).toContain(`The agent's reason ------------------ > ${NOTE}`);
    expect(text).toContain('Calls to Germany (DE) stay blocked');
    expect(text).toContain('you can ask again from the block page');
    expect(mail.smtp.to(users[1]!.email)).toHaveLength(0);
  });

  it('a denial in Spanish carries the reason as the agent typed it', async () => {
    const { block, asker } = await blocked({ locale: 'es', country: 'ES', timeZone: 'Europe/Madrid' });
    const id = idOf(await ask(asker, block.id, '612 34 56 78'));
    await getDb().mailMessage.updateMany({ where: { to: asker.email }, data: { status: 'failed' } });
    expect(await deny(await makeStaff(), id)).toMatchObject({ ok: true });
    expect(await mail.deliver()).toBe(1);
    const [sent] = mail.smtp.to(asker.email);
    expect(sent.subject).toMatch(/^Solicitud para permitir las llamadas a Alemania \(DE\) rechazada — /);
    const text = oneLine(sent.text);
    // Spain's 24-hour clock, in Madrid.
    expect(text).toMatch(
      /la solicitud que envió el \d+ \w+ 2026, \d+:\d\d (CET|CEST|GMT\+[12]) para permitir/,
    );
    expect(text).toMatch(new RegExp(`Motivo indicado por el agente -+ > ${NOTE}`));
    expect(text).toContain('Las llamadas a Alemania (DE) siguen bloqueadas');
  });

  it('a denial for one who is no longer a member goes to every member, as an unblock denial does', async () => {
    const { account, block, users, asker } = await blocked({ members: 3 });
    const id = idOf(await ask(asker, block.id));
    await getDb().membership.deleteMany({ where: { userId: asker.id, accountId: account.id } });
    expect(await deny(await makeStaff(), id)).toMatchObject({ ok: true });
    expect((await rows('allowance_denied', id)).sort()).toEqual([users[1]!.email, users[2]!.email].sort());
  });

  it('after the block is lifted, a denial says no allowance is needed, not "stays blocked"', async () => {
    const { account, block, asker } = await blocked();
    const id = idOf(await ask(asker, block.id));
    expect(await deny(await makeStaff(), id)).toMatchObject({ ok: true });
    // The mail server was down; meanwhile the switch lifted the block.
    expect((await deliver(liftedEvent(account.number))).status).toBe(200);
    await mail.deliver();
    const denial = mail.smtp.to(asker.email).find((m) => m.subject.startsWith('Request to allow calls'))!;
    const text = oneLine(denial.text);
    expect(text).toContain(NOTE);
    expect(text).toContain('Since then, the block has been lifted and no block is in force on');
    expect(text).not.toContain('stay blocked');
    expect(text).not.toContain('ask again');
  });

  it('a denial sent after the customer asked for the country again says the block page shows the newer one', async () => {
    const { block, asker } = await blocked();
    const id = idOf(await ask(asker, block.id));
    expect(await deny(await makeStaff(), id)).toMatchObject({ ok: true });
    const again = idOf(await ask(asker, block.id));
    await mail.deliver();
    const denial = mail.smtp.to(asker.email).find((m) => m.subject.startsWith('Request to allow calls'))!;
    const text = oneLine(denial.text);
    expect(text).toContain('Since then, a newer allowance for Germany (DE) has been asked for or granted on');
    expect(text).not.toContain('stay blocked');
    // The new request has a receipt of its own.
    expect(await rows('allowance_received', again)).toEqual([asker.email]);
  });

  it('an allowance support granted from the account page (nobody asked) gets neither a receipt nor a denial', async () => {
    const { account, users } = await blocked({ members: 2 });
    const sam = await makeStaff();
    expect(
      await grantAllowance(
        sam,
        { accountNumber: account.number, country: 'ST', hours: 3, reason: 'Supplier in São Tomé.' },
        meta,
      ),
    ).toMatchObject({ ok: true });
    const granted = await getDb().destinationAllowance.findFirstOrThrow({ where: { accountId: account.id } });
    expect(await rows('allowance_received', granted.id)).toEqual([]);
    expect(await rows('allowance_denied', granted.id)).toEqual([]);
    for (const u of users) expect(await getDb().mailMessage.count({ where: { to: u.email } })).toBe(0);
    // One queued by hand (an older version's row) is not sent: there is no one who asked.
    await getDb().$transaction((tx) =>
      queueMail(tx, users[0]!.email, 'allowance_received', { allowanceId: granted.id, userId: users[0]!.id }),
    );
    expect(await mail.deliver()).toBe(0);
    expect(
      await getDb().mailMessage.findFirstOrThrow({
        where: { to: users[0]!.email, template: 'allowance_received' },
      }),
    ).toMatchObject({ status: 'failed', lastError: 'not sent: not a customer’s request' });
  });

  it('a request a new block closed gets no denial mail: the new block’s notice names it', async () => {
    const { account, block, asker, users } = await blocked({ members: 2 });
    const id = idOf(await ask(asker, block.id));
    expect((await deliver(placedEvent(account.number))).status).toBe(200);
    expect(await getDb().destinationAllowance.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'denied',
      decidedById: null,
    });
    expect(await rows('allowance_denied', id)).toEqual([]);
    const notices = await getDb().mailMessage.findMany({
      where: { to: asker.email, template: 'block_notice' },
    });
    const named = notices.flatMap((n) => {
      const read = readPayload('block_notice', n.payload);
      return read.ok ? ((read.payload.closedAllowanceIds as string[] | undefined) ?? []) : [];
    });
    expect(named).toEqual([id]);
    // The receipt, not sent yet, is overtaken: the notice says what became of the request.
    await getDb().mailMessage.updateMany({
      where: { to: asker.email },
      data: { nextAttemptAt: new Date(0) },
    });
    await mail.deliver();
    const subjects = mail.smtp.to(asker.email).map((m) => m.subject);
    expect(subjects.filter((s) => s.startsWith('We received your request'))).toEqual([]);
    const notice = mail.smtp
      .to(asker.email)
      .find((m) => m.subject.startsWith('International calling blocked'))!;
    expect(oneLine(notice.text)).toContain(
      'Your request to allow calls to Germany (DE) for 4 hours, sent on',
    );
    // The other member's notice names who asked (lib/mail/templates/context.ts Asker).
    const theirs = mail.smtp
      .to(users[1]!.email)
      .find((m) => m.subject.startsWith('International calling blocked'))!;
    expect(oneLine(theirs.text)).toContain(
      `The request from ${asker.email} to allow calls to Germany (DE) for 4 hours, sent on`,
    );
  });

  it('a request the lift of the last block closed gets no mail of its own: "calling is back" names it', async () => {
    const { account, block, asker, users } = await blocked({ members: 2 });
    const id = idOf(await ask(asker, block.id));
    expect((await deliver(liftedEvent(account.number))).status).toBe(200);
    expect((await getDb().destinationAllowance.findUniqueOrThrow({ where: { id } })).status).toBe('closed');
    expect(await rows('allowance_denied', id)).toEqual([]);
    await mail.deliver();
    const sent = mail.smtp.to(asker.email);
    expect(sent.map((m) => m.subject)).toEqual([
      `International calling is back on ${(await accountLabel(block.accountId)).en}`,
    ]);
    expect(oneLine(sent[0].text)).toContain(
      'Your request to allow calls to Germany (DE) for 4 hours, sent on',
    );
    const [theirs] = mail.smtp.to(users[1]!.email);
    expect(oneLine(theirs!.text)).toContain(
      `The request from ${asker.email} to allow calls to Germany (DE) for 4 hours, sent on`,
    );
  });
});

/** How mail names an account: "Name (ACC-…)". */
async function accountLabel(accountId: string) {
  const a = await getDb().customerAccount.findUniqueOrThrow({ where: { id: accountId } });
  return { en: `${a.name} (${a.number})` };
}
