import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { displayEmail } from '@/lib/auth/email-address';
import { confirmPlace, refuseLift, requestLift, withdrawLiftForNewerBlock } from '@/lib/blocks/lifecycle';
import { renderMessage } from '@/lib/mail/render';
import { cameBackOf } from '@/lib/requests/came-back';
import { approveRequest } from '@/lib/requests/decide';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';

// Tester, fraud wave (finding 6): ACC-7009's lift was approved and still queued when the switch
// placed a new block; at the same second the customer got request_lift_failed ("Our switch did not
// lift it", though Tollgate had withdrawn the lift before sending it) and the new block's notice.
// One event, one mail (docs/staff-console.md "Requests closed without a decision"): the new block's
// notice names the approved request whose lift it withdrew; request_lift_failed, where it still goes
// (no notice in the same change, or the switch refused the lift), says what truly happened.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const HOUR = 3600_000;

const approve = (agent: CurrentUser, requestId: string) =>
  approveRequest(agent, { requestId, attest: 'on', note: 'Called back; a typo.' }, meta);

/** Renders one outbox row as the mail worker would, now; throws when it would not be sent. */
async function text(row: { id: string; to: string; template: string; payload: string; createdAt: Date }) {
  const r = await renderMessage(row, new Date());
  if (!r.ok) throw new Error(r.reason);
  return { subject: r.mail.subject, text: r.mail.text.replace(/\s+/g, ' ') };
}

const mailsOf = (template: string, to: string[]) =>
  getDb().mailMessage.findMany({ where: { template, to: { in: to } }, orderBy: { createdAt: 'asc' } });

describe.each(dialects())('a lift withdrawn before the switch confirmed it, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  /**
   * An account with three members (the asker, a colleague, a Spanish-speaking colleague), a block
   * placed two hours ago, and the asker's misdial request, approved by an agent: its lift queued.
   */
  async function approvedAndQueued() {
    const made = await makeAccount({
      members: [uniqueEmail('asker'), uniqueEmail('colleague'), uniqueEmail('colega')],
    });
    const [asker, colleague, colega] = made.users as [
      (typeof made.users)[0],
      (typeof made.users)[0],
      (typeof made.users)[0],
    ];
    await getDb().user.update({
      where: { id: colega.id },
      data: { locale: 'es', localeChosenAt: new Date() },
    });
    const block = await makeBlock(made.account.id, {
      placedAt: new Date(Date.now() - 2 * HOUR),
      calls: [{ sipUsername: made.creds[0]!.username }],
    });
    const request = await makeRequest(block, asker.id);
    const agent = await makeStaff();
    expect(await approve(agent, request.id)).toMatchObject({ ok: true, data: { liftQueued: true } });
    const lift = await getDb().switchOperation.findFirstOrThrow({
      where: { accountNumber: made.account.number, kind: 'lift', status: 'pending' },
    });
    const emails = made.users.map((u) => u.email);
    return { ...made, asker, colleague, colega, block, request, agent, lift, emails };
  }

  it('a new block while the approved lift is still queued: its notice names the request, and no request_lift_failed goes out', async () => {
    const f = await approvedAndQueued();
    const db = getDb();
    expect((await deliver(placedEvent(f.account.number, { from: [f.creds[0]!.username] }))).status).toBe(200);

    // The request is back in support's queue, its block in force, the lift withdrawn.
    expect(await db.unblockRequest.findUniqueOrThrow({ where: { id: f.request.id } })).toMatchObject({
      status: 'pending',
      openKey: f.block.id,
    });
    expect((await db.block.findUniqueOrThrow({ where: { id: f.block.id } })).status).toBe('active');
    expect(await db.switchOperation.findUniqueOrThrow({ where: { id: f.lift.id } })).toMatchObject({
      status: 'failed',
      lastError: 'superseded: the switch placed a new block on this account',
    });

    // One mail for the event: the notice, to every member, naming the request; no request_lift_failed.
    expect(await mailsOf('request_lift_failed', f.emails)).toHaveLength(0);
    const notices = await mailsOf('block_notice', f.emails);
    expect(notices.map((n) => n.to).sort()).toEqual([...f.emails].sort());
    for (const n of notices)
      expect(JSON.parse(n.payload)).toMatchObject({ reopenedRequestIds: [f.request.id] });

    // "Your request" to the one who asked; the others read who asked, each in their language.
    const byTo = new Map(await Promise.all(notices.map(async (n) => [n.to, await text(n)] as const)));
    const mine = byTo.get(f.asker.email)!.text;
    expect(mine).toMatch(
      /Your request to lift the block placed on .+ \(misdial, sent on .+\) was approved, but our phone system had not confirmed its lift when this new block came into force, so we withdrew that lift: that block is still in force too\. Your request is back with our support team, who will look at it again and call you back\./,
    );
    const theirs = byTo.get(f.colleague.email)!.text;
    expect(theirs).toContain(`The request from ${displayEmail(f.asker.email)} to lift the block placed on`);
    expect(theirs).toContain(
      'The request is back with our support team, who will look at it again and call back on the number given with it.',
    );
    expect(theirs).not.toMatch(/your request/i);
    const suyo = byTo.get(f.colega.email)!.text;
    expect(suyo).toContain(
      `La solicitud de ${displayEmail(f.asker.email)} para levantar el bloqueo colocado el`,
    );
    expect(suyo).toContain('así que retiramos ese levantamiento: ese bloqueo también sigue en vigor.');
    for (const { text: t } of byTo.values()) expect(t).not.toMatch(/did not lift|no lo ha levantado/);

    // The "approved" mail, not sent yet, is not sent: the notice says where the approval stands.
    const approved = (await mailsOf('request_approved', [f.asker.email]))[0]!;
    const r = await renderMessage(approved, new Date());
    expect(r).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^superseded: .*notice of the new block/),
    });

    // The agent's side, as for any lift that did not happen: the request page and the queue say it
    // came back, who approved it, and that the lift was withdrawn (lib/requests/came-back.ts).
    const back = (await cameBackOf([f.request])).get(f.request.id);
    expect(back).toMatchObject({
      how: 'cancelled',
      approvedBy: displayEmail(f.agent.email),
      error: 'superseded: the switch placed a new block on this account',
    });
  });

  it('a lift already sent and not confirmed: the same one mail, and the reconciler reads the account', async () => {
    const f = await approvedAndQueued();
    const db = getDb();
    await db.switchOperation.update({ where: { id: f.lift.id }, data: { attempts: 1 } });
    expect((await deliver(placedEvent(f.account.number))).status).toBe(200);
    expect((await db.customerAccount.findUniqueOrThrow({ where: { id: f.account.id } })).reconcileDue).toBe(
      true,
    );
    expect(await mailsOf('request_lift_failed', f.emails)).toHaveLength(0);
    const notices = await mailsOf('block_notice', f.emails);
    expect(notices).toHaveLength(3);
    for (const n of notices)
      expect(JSON.parse(n.payload)).toMatchObject({ reopenedRequestIds: [f.request.id] });
    expect((await text(notices.find((n) => n.to === f.asker.email)!)).text).toContain(
      'Your request is back with our support team',
    );
  });

  it('support’s block confirmed while the approved lift is still queued: its notice names the request, no request_lift_failed', async () => {
    // requestManualBlock refuses while a lift waits; written here as a placement already on its way
    // when the approval queued the lift (older data, or another instance), the path is the same.
    const f = await approvedAndQueued();
    const db = getDb();
    const op = await db.switchOperation.create({
      data: {
        idempotencyKey: crypto.randomUUID(),
        kind: 'block',
        accountNumber: f.account.number,
        attempts: 1,
        payload: JSON.stringify({
          state: 'blocked',
          reason: 'manual',
          actor: f.agent.email,
          accountId: f.account.id,
          note: 'Fraud team asked for a hold.',
        }),
      },
    });
    expect(await confirmPlace(op, { blockedAt: new Date().toISOString() })).toBe('confirmed');
    expect((await db.unblockRequest.findUniqueOrThrow({ where: { id: f.request.id } })).status).toBe(
      'pending',
    );
    expect(await mailsOf('request_lift_failed', f.emails)).toHaveLength(0);
    const notices = await mailsOf('block_notice', f.emails);
    expect(notices).toHaveLength(3);
    for (const n of notices)
      expect(JSON.parse(n.payload)).toMatchObject({ reopenedRequestIds: [f.request.id] });
  });

  it('the notice names the request only while it still waits for support', async () => {
    const f = await approvedAndQueued();
    expect((await deliver(placedEvent(f.account.number))).status).toBe(200);
    const notice = (await mailsOf('block_notice', [f.asker.email]))[0]!;
    // Decided again before the notice could go (an SMTP outage): the notice says nothing of it; the
    // new decision's own mail says where it stands.
    await getDb().unblockRequest.update({
      where: { id: f.request.id },
      data: { status: 'denied', openKey: null, decidedAt: new Date() },
    });
    const { text: t } = await text(notice);
    expect(t).not.toContain('to lift the block placed on');
    expect(t).not.toMatch(/back with our support team/);
  });

  it('a lift withdrawn with no notice in the same change: request_lift_failed says Tollgate withdrew it, and why', async () => {
    // An old lift about to be sent again; the switch's read says it placed a block since (its event
    // not here yet). No notice goes out in this change, so request_lift_failed tells the customer.
    const f = await approvedAndQueued();
    expect(await withdrawLiftForNewerBlock(f.lift, new Date())).toBe(true);
    const [mine, ...others] = await mailsOf('request_lift_failed', f.emails);
    expect(others).toHaveLength(0);
    expect(mine!.to).toBe(f.asker.email);
    expect(JSON.parse(mine!.payload)).toMatchObject({ requestId: f.request.id, withdrawn: 'new_block' });
    const m = await text(mine!);
    expect(m.subject).toMatch(/^International calling is still blocked on /);
    expect(m.text).toContain(
      'Before our phone system confirmed the lift, it placed a new block on the account, so we withdrew the lift: international calling is still blocked.',
    );
    expect(m.text).not.toContain('Our phone system did not lift it');
    expect(m.text).toContain('Your request is back with our support team');
    // In Spanish too.
    await getDb().user.update({
      where: { id: f.asker.id },
      data: { locale: 'es', localeChosenAt: new Date() },
    });
    const es = await text(mine!);
    expect(es.text).toContain(
      'Antes de que nuestra central confirmara el levantamiento, colocó un nuevo bloqueo en la cuenta, así que retiramos el levantamiento',
    );
    expect(es.text).not.toContain('no lo ha levantado');
  });

  it('a lift the switch reported from before the block: request_lift_failed says the lift was withdrawn, the block still in force', async () => {
    const { account, users, creds } = await makeAccount();
    const db = getDb();
    const older = await makeBlock(account.id, {
      placedAt: new Date(Date.now() - 5 * HOUR),
      calls: [{ sipUsername: creds[0]!.username }],
    });
    const newer = await makeBlock(account.id, {
      placedAt: new Date(Date.now() - 1 * HOUR),
      calls: [{ sipUsername: creds[0]!.username }],
    });
    const request = await makeRequest(newer, users[0]!.id);
    // Approved, its lift queued for both blocks (every open block must be in a lift).
    await db.$transaction(async (tx) => {
      await tx.unblockRequest.update({
        where: { id: request.id },
        data: { status: 'approved', openKey: null, decidedAt: new Date() },
      });
      expect(
        await requestLift(tx, {
          accountId: account.id,
          blockIds: [older.id, newer.id],
          actor: 'agent@staff.example',
          reason: 'approved request',
          by: 'request',
          requestId: request.id,
        }),
      ).toMatchObject({ ok: true });
    });
    // The switch reports a lift dated between the two blocks: the older one ends, the newer stays.
    expect((await deliver(liftedEvent(account.number, new Date(Date.now() - 3 * HOUR)))).status).toBe(200);
    expect((await db.block.findUniqueOrThrow({ where: { id: newer.id } })).status).toBe('active');
    const [mail] = await mailsOf('request_lift_failed', [users[0]!.email]);
    expect(JSON.parse(mail!.payload)).toMatchObject({ withdrawn: 'newer_in_force' });
    const m = await text(mail!);
    expect(m.text).toContain(
      'Before our phone system confirmed the lift, it reported lifting the account at a time before this block was placed, so this block is still in force and we withdrew the lift',
    );
    expect(m.text).not.toContain('Our phone system did not lift it');
  });

  it('a lift the switch refused: request_lift_failed says the switch did not lift it', async () => {
    const f = await approvedAndQueued();
    await refuseLift(f.lift, 'HTTP 409 conflict: account under investigation');
    const [mail] = await mailsOf('request_lift_failed', f.emails);
    expect(JSON.parse(mail!.payload)).not.toHaveProperty('withdrawn');
    const m = await text(mail!);
    expect(m.text).toContain('Our phone system did not lift it: international calling is still blocked.');
    expect(m.text).not.toContain('withdrew');
    // No new block: no notice either.
    expect(await mailsOf('block_notice', f.emails)).toHaveLength(0);
  });
});
