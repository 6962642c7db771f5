import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveAllowance, denyAllowance, grantAllowance } from '@/lib/allowances/decide';
import {
  allowancesForBlockPage,
  allowancesForStaff,
  pendingAllowanceRequests,
} from '@/lib/allowances/queries';
import { storedText } from '@/lib/i18n/stored';
import { translate } from '@/lib/i18n/translate';
import { requestAllowance, requestAllowanceSchema } from '@/lib/allowances/request';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { switchErrorText, withdrawnByTollgate } from '@/lib/switch/error-text';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { decideLift, makeBlockedOnSwitch, makeStaff } from '@/tests/helpers/factory';
import { inWords } from '@/tests/helpers/outcome';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Found by hand (2026-12-02, the demo): support allowed Somalia for 24 h under a fraud block, the
// block was lifted, and the switch placed a new block for a new fraud to Somalia. The switch still
// held the allowance (it keeps one until its `until`), so calls to Somalia passed through the new
// block. An allowance is an exception to one block: a new block, or the lift of the last one, ends it.

let sim: TestSim;
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const outbox = () => processSwitchOutbox({ client: client() });

/** The member asks for Somalia for 24 h from block `blockId`'s page; the new allowance's id. */
async function askSomalia(member: Parameters<typeof requestAllowance>[0], blockId: string): Promise<string> {
  const parsed = requestAllowanceSchema.parse({
    blockId,
    country: 'SO',
    hours: '24',
    reason: 'Our supplier is in Mogadishu.',
    callbackPhone: '+1 202 555 0143',
  });
  const asked = await requestAllowance(member, parsed, meta);
  expect(asked).toMatchObject({ ok: true });
  return (asked as { data: { allowanceId: string } }).data.allowanceId;
}
const dueNow = () =>
  getDb().switchOperation.updateMany({ where: { status: 'pending' }, data: { nextAttemptAt: new Date(0) } });
const simAllowances = async (n: string) =>
  (await sim.control<{ allowances: { country: string }[] }>('GET', `/_sim/accounts/${n}`)).body.allowances;
const row = (id: string) => getDb().destinationAllowance.findUniqueOrThrow({ where: { id } });
const endedMails = (id: string) =>
  getDb().mailMessage.count({ where: { template: 'allowance_ended', payload: { contains: id } } });

/** A blocked account with a Somalia allowance support granted and the switch confirmed. */
async function allowedSomalia() {
  const made = await makeBlockedOnSwitch(sim);
  const granted = await grantAllowance(
    await makeStaff(),
    { accountNumber: made.account.number, country: 'SO', hours: 24, reason: 'Supplier in Mogadishu.' },
    meta,
  );
  expect(granted).toMatchObject({ ok: true });
  const a = await getDb().destinationAllowance.findFirstOrThrow({ where: { accountId: made.account.id } });
  expect(await outbox()).toBe(1);
  expect(await row(a.id)).toMatchObject({ status: 'active' });
  expect(await simAllowances(made.account.number)).toEqual([expect.objectContaining({ country: 'SO' })]);
  return { ...made, allowanceId: a.id };
}

describe.each(dialects())('allowances end with their block on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('a new block ends an allowance in force: DELETE on the switch, ended once confirmed, members told', async () => {
    const { account, allowanceId } = await allowedSomalia();
    expect((await deliver(placedEvent(account.number))).status).toBe(200);
    // Still shown in force until the switch confirms its end.
    expect(await row(allowanceId)).toMatchObject({ status: 'active' });
    expect(await outbox()).toBe(1);
    expect(await simAllowances(account.number)).toEqual([]);
    expect(await row(allowanceId)).toMatchObject({ status: 'ended', endReason: 'new_block' });
    // The account is blocked: "calls to Somalia are blocked again" is true, and the members read it.
    expect(await endedMails(allowanceId)).toBeGreaterThan(0);
    const actions = (await getDb().auditLog.findMany({ where: { targetId: allowanceId } })).map(
      (a) => a.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['allowance.end_requested', 'allowance.ended']));
  });

  it('the lift of the last block ends it too, and emails nobody (calls are allowed anyway)', async () => {
    const { account, allowanceId } = await allowedSomalia();
    expect((await deliver(liftedEvent(account.number))).status).toBe(200);
    expect(await outbox()).toBe(1);
    expect(await simAllowances(account.number)).toEqual([]);
    expect(await row(allowanceId)).toMatchObject({ status: 'ended', endReason: 'block_lifted' });
    expect(await endedMails(allowanceId)).toBe(0);
    // Fraud again later: nothing of the old allowance is left to pass it.
    expect((await deliver(placedEvent(account.number))).status).toBe(200);
    expect(await simAllowances(account.number)).toEqual([]);
  });

  // Found working a fraud wave (2026-12-02): the switch lifted blocks while their customers' allowance
  // requests waited; each stayed in support's list, approving said "deny it", and the customer's
  // page said "waiting for support to call you back" while every country could be called.
  it('the lift of the last block closes a request still waiting: out of the queue, the customer told it is not needed', async () => {
    const { account, block, member } = await makeBlockedOnSwitch(sim);
    const allowanceId = await askSomalia(member, block.id);
    const agent = await makeStaff();
    const queued = async () =>
      (await pendingAllowanceRequests(agent, null, { pageSize: 1000 })).items.map((r) => r.id);
    expect(await queued()).toContain(allowanceId);
    expect((await deliver(liftedEvent(account.number))).status).toBe(200);
    expect(await row(allowanceId)).toMatchObject({ status: 'closed', decidedById: null });
    expect(await queued()).not.toContain(allowanceId);
    expect((await allowancesForStaff(agent, account.id)).find((a) => a.id === allowanceId)).toMatchObject({
      status: 'closed',
      endReason: 'block_lifted',
    });
    expect(
      await getDb().auditLog.count({
        where: { action: 'allowance.closed', targetId: allowanceId, detail: { contains: 'block_lifted' } },
      }),
    ).toBe(1);
    // The customer reads that it was closed without a decision, not "not allowed".
    expect(await allowancesForBlockPage(member.id, account.id)).toEqual([
      expect.objectContaining({ id: allowanceId, status: 'closed', denial: null }),
    ]);
    // No mail of its own: the one "calling is back" mail names it (since 2026-12-03; before, no mail said
    // it). Its receipt, queued when it was asked (since 2026-12-06), is not sent once it is closed.
    expect(
      (await getDb().mailMessage.findMany({ where: { payload: { contains: allowanceId } } }))
        .map((m) => m.template)
        .sort(),
    ).toEqual(['allowance_received', 'block_lifted']);
    // An agent who had it open is told why it is gone, approving or denying.
    const approved = await approveAllowance(
      agent,
      { allowanceId, attest: 'on', note: 'Called the owner back; supplier in Mogadishu.' },
      meta,
    );
    expect(inWords(approved).message).toMatch(
      /^Tollgate has already closed this request because international/,
    );
    const denied = await denyAllowance(
      agent,
      { allowanceId, note: 'We could not reach the account holder.' },
      meta,
    );
    expect(inWords(denied).message).toBe(
      'Tollgate has already closed this request because international calling was allowed again on the account. Nothing was changed and nothing was sent to the switch. This page now shows where it stands.',
    );
  });

  it('an allowance still on its way is cancelled; if its PUT may have reached the switch, a DELETE follows', async () => {
    const made = await makeBlockedOnSwitch(sim);
    const n = made.account.number;
    await sim.control('PUT', `/_sim/faults/${n}`, { failNext: 1, failStatus: 503 });
    await grantAllowance(
      await makeStaff(),
      { accountNumber: n, country: 'SO', hours: 24, reason: 'Supplier in Mogadishu.' },
      meta,
    );
    const a = await getDb().destinationAllowance.findFirstOrThrow({ where: { accountId: made.account.id } });
    expect(await outbox()).toBe(0); // 503: still on its way, sent once
    expect(await row(a.id)).toMatchObject({ status: 'sending' });
    expect((await deliver(placedEvent(n))).status).toBe(200);
    expect(await row(a.id)).toMatchObject({ status: 'ended', endReason: 'new_block' });
    const ops = await getDb().switchOperation.findMany({
      where: { accountNumber: n, kind: { in: ['allowance_put', 'allowance_delete'] } },
      orderBy: { createdAt: 'asc' },
    });
    expect(ops.map((o) => [o.kind, o.status])).toEqual([
      ['allowance_put', 'failed'],
      ['allowance_delete', 'pending'],
    ]);
    // Tollgate withdrew the PUT: staff do not read it as the switch's refusal (review, session 33).
    expect(withdrawnByTollgate(ops[0]!)).toBe(true);
    expect(switchErrorText(translate('en'), ops[0]!.lastError!)).toBe(
      'Tollgate withdrew the change: a new block was placed on this account',
    );
    await sim.control('DELETE', `/_sim/faults/${n}`);
    await dueNow();
    expect(await outbox()).toBe(1);
    expect(await simAllowances(n)).toEqual([]);
    // The cancelled PUT is never sent again.
    await dueNow();
    expect(await outbox()).toBe(0);
    expect(await simAllowances(n)).toEqual([]);
  });

  // Review, session 39: the outbox runs by due time, not per account: a new Somalia grant's PUT could
  // reach the switch before the earlier allowance's DELETE, which then removed it there while Tollgate
  // showed the new one in force. A grant (or an approval) for the country waits for that DELETE.
  it('a grant for a country whose earlier allowance is still being ended on the switch waits for it', async () => {
    const made = await makeBlockedOnSwitch(sim);
    const n = made.account.number;
    const staff = await makeStaff();
    const grant = (country: string) =>
      grantAllowance(staff, { accountNumber: n, country, hours: 24, reason: 'Supplier in Mogadishu.' }, meta);
    // Its PUT may have reached the switch (a 503): the new block ends it at once and queues a DELETE.
    await sim.control('PUT', `/_sim/faults/${n}`, { failNext: 2, failStatus: 503 });
    expect(await grant('SO')).toMatchObject({ ok: true });
    const first = await getDb().destinationAllowance.findFirstOrThrow({
      where: { accountId: made.account.id },
    });
    expect(await outbox()).toBe(0);
    expect((await deliver(placedEvent(n))).status).toBe(200);
    expect(await row(first.id)).toMatchObject({ status: 'ended', endReason: 'new_block' });
    await dueNow();
    expect(await outbox()).toBe(0); // the DELETE: 503, still waiting
    expect(inWords(await grant('SO'), 'en')).toMatchObject({
      ok: false,
      code: 'conflict',
      message:
        'The previous Somalia allowance is still being ended on the switch, which has not confirmed it yet. A new one can be granted once it does. If the switch has not answered within an hour, the account is listed under “Out of sync with the switch” on the “Queue and search” page.',
    });
    expect(inWords(await grant('SO'), 'es')).toMatchObject({
      message:
        'El permiso anterior para Somalia aún se está finalizando en el switch, que todavía no lo ha confirmado. Podrá conceder uno nuevo cuando lo confirme. Si el switch no ha respondido en una hora, la cuenta aparece en “Sin sincronizar con el switch” en la página “Cola y búsqueda”.',
    });
    expect(await getDb().destinationAllowance.count({ where: { accountId: made.account.id } })).toBe(1);
    // A grant for another country does not wait for it.
    expect(await grant('CU')).toMatchObject({ ok: true });
    await sim.control('DELETE', `/_sim/faults/${n}`);
    await dueNow();
    expect(await outbox()).toBe(2); // the DELETE and the Cuba PUT
    expect(await grant('SO')).toMatchObject({ ok: true });
    expect(await outbox()).toBe(1);
    expect((await simAllowances(n)).map((a) => a.country).sort()).toEqual(['CU', 'SO']);
  });

  // The same rule for a request still waiting for its callback: approved under a later block, it
  // would let that block's fraud through (found by the faults helper, not mended by it).
  it.each([
    ['lifted, then a new block placed', true],
    ['still in force, with a newer block placed beside it', false],
  ])('a request asked under an earlier block is not approved once it is %s', async (_, lifted) => {
    const { account, block, member } = await makeBlockedOnSwitch(sim);
    const allowanceId = await askSomalia(member, block.id);
    if (lifted) expect((await deliver(liftedEvent(account.number))).status).toBe(200);
    expect((await deliver(placedEvent(account.number, { to: '+252611234567' }))).status).toBe(200);
    expect(await getDb().block.count({ where: { accountId: account.id, status: 'active' } })).toBe(
      lifted ? 1 : 2,
    );

    const approved = inWords(
      await approveAllowance(
        await makeStaff(),
        { allowanceId, attest: 'on', note: 'Called the owner back; supplier in Mogadishu.' },
        meta,
      ),
    );
    // Closed already (by the lift, or by the new block): the agent reads that, not a rule to deny it by.
    expect(approved).toMatchObject({ ok: false, code: 'conflict' });
    expect(approved.message).toContain(
      lifted
        ? 'Tollgate has already closed this request because international calling was allowed again'
        : 'Tollgate has already closed this request because a new block came into force',
    );
    if (lifted) {
      // The lift closed it (the test below), so the new block found nothing waiting.
      expect(await row(allowanceId)).toMatchObject({ status: 'closed', endReason: 'block_lifted' });
      return;
    }
    // The new block closed the request: out of support's queue, and the customer reads why, instead
    // of "waiting for support to call you back" for a request nobody could approve.
    expect(await row(allowanceId)).toMatchObject({ status: 'denied', decidedById: null });
    const agent = await makeStaff();
    expect(
      (await pendingAllowanceRequests(agent, null, { pageSize: 1000 })).items.map((r) => r.id),
    ).not.toContain(allowanceId);
    expect((await allowancesForStaff(agent, account.id)).find((a) => a.id === allowanceId)).toMatchObject({
      status: 'denied',
      decidedBy: 'tollgate',
    });
    const [seen] = await allowancesForBlockPage(member.id, account.id);
    expect(seen).toMatchObject({ id: allowanceId, status: 'denied' });
    expect(storedText(translate('en'), seen!.denial)).toContain(
      'ask for it again: support will decide it under the new block',
    );
    expect(storedText(translate('es'), seen!.denial)).toContain(
      'vuelva a solicitarlo: soporte lo decidirá según el nuevo bloqueo',
    );
    await dueNow();
    await outbox();
    expect(await simAllowances(account.number)).toEqual([]);
  });

  // Left alone by the nineteenth session: a request still waiting when the account's last block was
  // lifted stayed in support's queue (an agent would call back, then read "no longer blocked"), and the
  // customer's lifted block page said "waiting for support to call you back".
  it.each([
    ['lifted on the switch (block.lifted)', 'event'],
    ['lifted by support (the switch confirms the lift)', 'staff'],
  ])('the last block %s closes a request still waiting, without a decision', async (_, how) => {
    const { account, block, member } = await makeBlockedOnSwitch(sim);
    const allowanceId = await askSomalia(member, block.id);
    if (how === 'event') expect((await deliver(liftedEvent(account.number))).status).toBe(200);
    else {
      await decideLift([block]);
      // Still waiting while the lift is on its way: the account is blocked until the switch confirms.
      expect(await row(allowanceId)).toMatchObject({ status: 'requested' });
      expect(await outbox()).toBe(1);
    }
    expect(await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).toMatchObject({
      status: 'lifted',
    });
    expect(await row(allowanceId)).toMatchObject({
      status: 'closed',
      decidedById: null,
      endReason: 'block_lifted',
      endedAt: expect.any(Date),
    });
    const agent = await makeStaff();
    expect(
      (await pendingAllowanceRequests(agent, null, { pageSize: 1000 })).items.map((r) => r.id),
    ).not.toContain(allowanceId);
    expect((await allowancesForStaff(agent, account.id)).find((a) => a.id === allowanceId)).toMatchObject({
      status: 'closed',
      endReason: 'block_lifted',
    });
    const [seen] = await allowancesForBlockPage(member.id, account.id);
    expect(seen).toMatchObject({ id: allowanceId, status: 'closed' });
    const audited = await getDb().auditLog.findMany({
      where: { targetId: allowanceId },
      orderBy: { at: 'asc' },
    });
    expect(audited.map((a) => a.action)).toEqual(['allowance.requested', 'allowance.closed']);
    expect(JSON.parse(audited[1]!.detail ?? '{}')).toMatchObject({ cause: 'block_lifted', by: 'tollgate' });
    // Nothing went to the switch for it.
    expect(await simAllowances(account.number)).toEqual([]);
  });

  // Found by hand (2026-12-02, the demo): a new fraud block came in beside the one a customer had
  // asked under; the request was closed, and the customer asked again from the page they were on,
  // the earlier block's (still in force, still offering "Allow one country"). That request was filed
  // under the earlier block, so no agent could approve it, and the page said "waiting for support".
  it('asked again from the earlier block’s page, the request is filed under the newest block and can be approved', async () => {
    const { account, block, member } = await makeBlockedOnSwitch(sim);
    expect((await deliver(placedEvent(account.number, { to: '+252611234567' }))).status).toBe(200);
    const newest = await getDb().block.findFirstOrThrow({
      where: { accountId: account.id, status: 'active' },
      orderBy: { placedAt: 'desc' },
    });
    expect(newest.id).not.toBe(block.id);
    const allowanceId = await askSomalia(member, block.id);
    expect(await row(allowanceId)).toMatchObject({ status: 'requested', blockId: newest.id });
    const approved = await approveAllowance(
      await makeStaff(),
      { allowanceId, attest: 'on', note: 'Called the owner back; supplier in Mogadishu.' },
      meta,
    );
    expect(approved).toMatchObject({ ok: true });
    expect(await row(allowanceId)).toMatchObject({ status: 'sending' });
  });
});
