import { describe, expect, it } from 'vitest';
import { displayEmail } from '@/lib/auth/email-address';
import { queueMail, queueMailToMembers } from '@/lib/mail/queue';
import { CLOSED_BY_LIFT } from '@/lib/requests/closed';
import { getDb } from '@/lib/server/db';
import { dialects } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';
import { mailSuite } from '@/tests/helpers/mail-suite';

// Found by a tester playing a small company's account with three members (office manager Mona, IT
// contractor Ivan who reads Spanish, owner Olga), 2026-12-06: every member is mailed what becomes of
// a request, and every mail read as if its reader had asked. Ivan's firewall request, declined: Mona
// and Olga each read "A support agent declined **your** request…", not whose, which or when; "calling
// is back" told Olga and Ivan that "**Your** unblock request of Dec 6, 2:07 PM (misdial)" was closed,
// a request Mona sent; Olga's Somalia allowance, ended by Tollgate a minute after it started because
// the switch placed a new block, was mailed as "blocked again… ended on 2:29 PM", with no reason. Now
// the one who asked reads "your request"; every other member reads who asked (their address as the
// pages write it: a Unicode domain in Unicode), which request and when; an ended allowance says why.

const oneLine = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ');

describe.each(dialects())('mail about a request, to each member of a shared account, on %s', (dialect) => {
  const mail = mailSuite(dialect);

  /** Brightside Dental: Mona and Olga read English, Ivan Spanish (his address has a Unicode domain); one block in force. */
  async function brightside() {
    const tag = crypto.randomUUID().slice(0, 8);
    const { account, users } = await makeAccount({
      members: [
        `mona-${tag}@brightside.example`,
        `ivan-${tag}@xn--clnica-peasco-xib1e.es`,
        `olga-${tag}@brightside.example`,
      ],
    });
    const db = getDb();
    await db.customerAccount.update({
      where: { id: account.id },
      data: { name: 'Brightside Dental', timeZone: 'America/New_York' },
    });
    const [mona, ivan, olga] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
    await db.user.update({ where: { id: ivan.id }, data: { locale: 'es' } });
    const block = await makeBlock(account.id, { placedAt: new Date(Date.now() - 3600_000) });
    const label = `Brightside Dental (${account.number})`;
    return { account, block, mona, ivan, olga, label, ivanShown: `ivan-${tag}@clínica-peñasco.es` };
  }

  /** The last message to a login's address (the relay is handed a Unicode domain in Unicode: SMTPUTF8). */
  const lastTo = (email: string) => mail.smtp.to(displayEmail(email)).at(-1)!;

  it('a declined request: "your request" to the one who sent it, who sent it, which and when to the others', async () => {
    const { account, block, mona, ivan, olga, label, ivanShown } = await brightside();
    const agent = await makeStaff();
    const request = await makeRequest(block, ivan.id);
    await getDb().unblockRequest.update({
      where: { id: request.id },
      data: {
        kind: 'firewall',
        status: 'denied',
        openKey: null,
        decidedById: agent.id,
        decidedAt: new Date(),
        denyReason: 'The PBX still answers from the internet.',
      },
    });
    // Every member: as when the one who asked can no longer read the account (queueMailToAsker).
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, account.id, 'request_denied', { requestId: request.id }),
    );
    expect(await mail.deliver()).toBe(3);

    for (const other of [mona, olga]) {
      const m = lastTo(other.email);
      expect(m.subject).toBe(`Unblock request declined for ${label}`);
      expect(oneLine(m.text)).toMatch(
        new RegExp(
          `A support agent declined the request from ${ivanShown} to lift the international calling block on ${label.replace(/[()]/g, '\\$&')} \\(firewall hardened, sent on .+\\)\\.`,
        ),
      );
      expect(m.text).not.toMatch(/your request/i);
      expect(m.text).not.toContain('xn--');
    }
    const his = oneLine(lastTo(ivan.email).text);
    expect(his).toMatch(
      /Un agente de soporte ha rechazado su solicitud para levantar el bloqueo de llamadas internacionales de Brightside Dental \(ACC-\d+\) \(firewall reforzado, enviada el .+\)\./,
    );
    expect(his).not.toContain(ivanShown);
  });

  it('"calling is back" names the request a lift closed as the sender’s to the sender, and by its sender to the others', async () => {
    const { account, block, mona, ivan, olga } = await brightside();
    const request = await makeRequest(block, mona.id);
    const db = getDb();
    await db.unblockRequest.update({ where: { id: request.id }, data: { ...closedByLiftRow() } });
    await db.block.update({ where: { id: block.id }, data: { status: 'lifted', liftedAt: new Date() } });
    await db.$transaction((tx) =>
      queueMailToMembers(tx, account.id, 'block_lifted', {
        blockId: block.id,
        closedRequestIds: [request.id],
      }),
    );
    expect(await mail.deliver()).toBe(3);

    expect(oneLine(lastTo(mona.email).text)).toMatch(
      /Your unblock request of .+ \(misdial\) is closed without a decision: with international calling back/,
    );
    const olgas = oneLine(lastTo(olga.email).text);
    expect(olgas).toMatch(
      new RegExp(`The unblock request ${mona.email} sent on .+ \\(misdial\\) is closed without a decision`),
    );
    expect(olgas).not.toMatch(/your unblock request/i);
    expect(oneLine(lastTo(ivan.email).text)).toMatch(
      new RegExp(
        `La solicitud de desbloqueo que ${mona.email} envió el .+ \\(marcación errónea\\) queda cerrada sin decisión`,
      ),
    );
  });

  it('a request closed while another block stays in force: whose it is, in the subject too', async () => {
    const { account, block, mona, ivan, olga, label } = await brightside();
    const request = await makeRequest(block, mona.id);
    const db = getDb();
    await db.unblockRequest.update({ where: { id: request.id }, data: { ...closedByLiftRow() } });
    await db.block.update({ where: { id: block.id }, data: { status: 'lifted', liftedAt: new Date() } });
    await makeBlock(account.id); // the newer block, in force
    await db.$transaction(async (tx) => {
      for (const u of [mona, ivan, olga])
        await queueMail(tx, u.email, 'request_closed', { requestId: request.id, userId: u.id });
    });
    expect(await mail.deliver()).toBe(3);
    expect(lastTo(mona.email).subject).toBe(`Your unblock request for ${label} is closed`);
    expect(lastTo(olga.email).subject).toBe(`The unblock request from ${mona.email} for ${label} is closed`);
    expect(oneLine(lastTo(olga.email).text)).toMatch(
      new RegExp(
        `The unblock request ${mona.email} sent on .+ \\(misdial\\) for .+ is closed without a decision`,
      ),
    );
    expect(lastTo(ivan.email).subject).toBe(
      `La solicitud de desbloqueo de ${mona.email} para ${label} está cerrada`,
    );
  });

  it('an allowance a new block ended: who asked for it, and that it ended early because of the new block', async () => {
    const { account, block, mona, ivan, olga, label } = await brightside();
    const agent = await makeStaff();
    const at = Date.now();
    const somalia = await getDb().destinationAllowance.create({
      data: {
        accountId: account.id,
        blockId: block.id,
        country: 'SO',
        hours: 6,
        reason: 'Our supplier in Mogadishu.',
        callbackPhone: '+12025550143',
        status: 'ended',
        requestedById: olga.id,
        createdAt: new Date(at - 600_000),
        decidedById: agent.id,
        decidedAt: new Date(at - 180_000),
        startedAt: new Date(at - 120_000),
        until: new Date(at + 6 * 3600_000),
        endedAt: new Date(at - 60_000),
        endReason: 'new_block',
      },
    });
    await getDb().$transaction(async (tx) => {
      await queueMailToMembers(tx, account.id, 'allowance_ended', { allowanceId: somalia.id });
      await queueMail(tx, agent.email, 'allowance_ended', { allowanceId: somalia.id, userId: agent.id });
    });
    expect(await mail.deliver()).toBe(4);

    const why =
      'It was ended early because a new block was placed on the account: our fraud monitoring saw suspicious calls again.';
    const mona1 = oneLine(lastTo(mona.email).text);
    expect(lastTo(mona.email).subject).toBe(`Calls to Somalia (SO) are blocked again — ${label}`);
    expect(mona1).toMatch(
      new RegExp(
        `The allowance for calls to Somalia \\(SO\\) on .+, which ${olga.email} asked for on .+, ended on .+\\.`,
      ),
    );
    expect(mona1).toContain(why);
    const olga1 = oneLine(lastTo(olga.email).text);
    expect(olga1).toMatch(/, which you asked for on .+, ended on /);
    expect(olga1).toContain(why);
    expect(oneLine(lastTo(agent.email).text)).toContain(`which ${olga.email} asked for on`);
    const ivan1 = oneLine(lastTo(ivan.email).text);
    expect(ivan1).toMatch(
      new RegExp(
        `El permiso para llamar a Somalia \\(SO\\) desde .+, que ${olga.email} solicitó el .+, terminó el `,
      ),
    );
    expect(ivan1).toContain(
      'Se finalizó antes de tiempo porque se aplicó un nuevo bloqueo a la cuenta: nuestra vigilancia antifraude volvió a detectar llamadas sospechosas.',
    );
  });

  it('an allowance request declined, to every member: "your request" to the one who asked, the address to the others', async () => {
    const { account, block, mona, ivan, olga } = await brightside();
    const agent = await makeStaff();
    const asked = await getDb().destinationAllowance.create({
      data: {
        accountId: account.id,
        blockId: block.id,
        country: 'SO',
        hours: 6,
        reason: 'Our supplier in Mogadishu.',
        callbackPhone: '+12025550143',
        status: 'denied',
        requestedById: olga.id,
        decidedById: agent.id,
        decidedAt: new Date(),
        decisionNote: 'Call us first.',
      },
    });
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, account.id, 'allowance_denied', { allowanceId: asked.id }),
    );
    expect(await mail.deliver()).toBe(3);
    expect(oneLine(lastTo(olga.email).text)).toMatch(
      /A support agent declined your request of .+ to allow calls to Somalia/,
    );
    const monas = oneLine(lastTo(mona.email).text);
    expect(monas).toMatch(
      new RegExp(
        `A support agent declined the request ${olga.email} sent on .+ to allow calls to Somalia \\(SO\\)`,
      ),
    );
    expect(monas).not.toMatch(/your request/i);
    expect(oneLine(lastTo(ivan.email).text)).toMatch(
      new RegExp(
        `Un agente de soporte ha rechazado la solicitud que ${olga.email} envió el .+ para permitir las llamadas a Somalia`,
      ),
    );
  });
});

/** A request's columns once a lift closed it (lib/requests/closed.ts closedByLift). */
const closedByLiftRow = () => ({
  status: 'withdrawn' as const,
  openKey: null,
  decidedAt: new Date(),
  decisionNote: CLOSED_BY_LIFT,
});
