import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchAllowances, WATCH_EVERY_MS } from '@/lib/allowances/expiry';
import {
  approveAllowance,
  approveAllowanceSchema,
  denyAllowance,
  endAllowanceEarly,
  grantAllowance,
  grantAllowanceSchema,
} from '@/lib/allowances/decide';
import { allowancesForBlockPage } from '@/lib/allowances/queries';
import { requestAllowance, requestAllowanceSchema } from '@/lib/allowances/request';
import type { CurrentUser } from '@/lib/auth/session';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { AWAITS_SWITCH } from '@/lib/switch/awaits-switch';
import { refreshesAccountPage } from '@/lib/switch/send-soon';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeBlockedOnSwitch, makeStaff } from '@/tests/helpers/factory';
import { inWords } from '@/tests/helpers/outcome';
import { deliver, placedEvent } from '@/tests/helpers/switch-events';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Issue 16, item 4: the destination allowance from request to expiry, against the simulator.

let sim: TestSim;
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const outbox = () => processSwitchOutbox({ client: client() });
const dueNow = () =>
  getDb().switchOperation.updateMany({ where: { status: 'pending' }, data: { nextAttemptAt: new Date(0) } });
const simAllowances = async (n: string) =>
  (
    (await sim.control('GET', `/_sim/accounts/${n}`)).body as {
      allowances: { country: string; until: string }[];
    }
  ).allowances;
const row = (id: string) => getDb().destinationAllowance.findUniqueOrThrow({ where: { id } });
const audits = async (targetId: string) =>
  (await getDb().auditLog.findMany({ where: { targetId }, orderBy: { at: 'asc' } })).map((a) => a.action);

const staff = () => makeStaff();

const blockedAccount = () => makeBlockedOnSwitch(sim);

/** A customer's request (callback phone a good US number unless `raw` gives one), in the words they would read. */
const ask = async (user: CurrentUser, raw: Record<string, unknown>) => {
  const parsed = requestAllowanceSchema.safeParse({ callbackPhone: '+1 202 555 0143', ...raw });
  if (!parsed.success) throw new Error(`test input invalid: ${parsed.error.message}`);
  return inWords(await requestAllowance(user, parsed.data, meta));
};
const idOf = (asked: { data?: { allowanceId: string } }) => asked.data!.allowanceId;
const approve = (u: CurrentUser, allowanceId: string) =>
  approveAllowance(
    u,
    { allowanceId, attest: 'on', note: 'Called the owner back; supplier in Mogadishu.' },
    meta,
  );

/** An allowance a member asked for (`country`, `hours`, `reason`) and an agent approved; its id. */
async function approvedAllowance(
  member: CurrentUser,
  blockId: string,
  asked: { country: string; hours: string; reason: string },
) {
  const id = idOf(await ask(member, { blockId, ...asked }));
  await approve(await staff(), id);
  return id;
}

describe.each(dialects())('destination allowances on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('request → approve → the switch confirms → in force with emails to both sides → expires on the switch → ended with emails', async () => {
    const { account, block, member } = await blockedAccount();
    const asked = await ask(member, {
      blockId: block.id,
      country: 'so',
      hours: '4',
      reason: 'We must call our supplier in Mogadishu.',
    });
    expect(asked).toMatchObject({ ok: true });
    const id = idOf(asked);
    expect(await row(id)).toMatchObject({ status: 'requested', country: 'SO', hours: 4, until: null });
    expect(await simAllowances(account.number)).toEqual([]);

    const sam = await staff();
    const before = Date.now();
    // "On its way": its words go once the page shows the switch's answer (components/ui/action-form.tsx).
    expect(await approve(sam, id)).toEqual({
      ok: true,
      note: { key: 'outcome.allowance.sent' },
      data: AWAITS_SWITCH,
    });
    const sending = await row(id);
    expect(sending.status).toBe('sending'); // decided, not yet confirmed: no page may show it in force
    expect(sending.until!.getTime()).toBeGreaterThanOrEqual(before + 4 * 3600_000);
    expect(await getDb().mailMessage.count({ where: { template: 'allowance_started' } })).toBe(0);

    expect(await outbox()).toBe(1);
    const active = await row(id);
    expect(active.status).toBe('active');
    expect(await simAllowances(account.number)).toEqual([
      { country: 'SO', until: active.until!.toISOString() },
    ]);
    const started = await getDb().mailMessage.findMany({
      where: { template: 'allowance_started', payload: { contains: id } },
    });
    expect(started.map((m) => m.to).sort()).toEqual([member.email, sam.email].sort());

    // The switch still lists it: a watcher pass changes nothing.
    expect(await watchAllowances({ client: client() })).toBe(0);
    expect((await row(id)).status).toBe('active');

    // The switch drops it (time passes on the switch); the watcher notices through the GET, within
    // WATCH_EVERY_MS of its last read (one far from its `until` is not read on every pass).
    expect((await sim.control('POST', `/_sim/accounts/${account.number}/allowances/SO/expire`)).status).toBe(
      200,
    );
    const aMinuteOn = () => new Date(Date.now() + WATCH_EVERY_MS);
    expect(await watchAllowances({ client: client(), now: aMinuteOn })).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'ended', endReason: 'ended_on_switch' });
    const ended = await getDb().mailMessage.findMany({
      where: { template: 'allowance_ended', payload: { contains: id } },
    });
    expect(ended.map((m) => m.to).sort()).toEqual([member.email, sam.email].sort());
    expect(await watchAllowances({ client: client() })).toBe(0); // ended once
    expect(await audits(id)).toEqual([
      'allowance.requested',
      'allowance.approved',
      'allowance.started',
      'allowance.ended',
    ]);
  });

  it('after the block is lifted, an allowance still on the switch is shown as no longer needed, and its end emails nobody', async () => {
    const { account, block, member } = await blockedAccount();
    const id = idOf(
      await ask(member, { blockId: block.id, country: 'SO', hours: '2', reason: 'Supplier call.' }),
    );
    const sam = await staff();
    expect(await approve(sam, id)).toMatchObject({ ok: true });
    expect(await outbox()).toBe(1);
    const statusOnPage = async () =>
      (await allowancesForBlockPage(member.id, account.id)).find((a) => a.id === id)?.status;
    expect(await statusOnPage()).toBe('active'); // blocked: in force, with its countdown

    await getDb().block.update({ where: { id: block.id }, data: { status: 'lifted', liftedAt: new Date() } });
    expect((await row(id)).status).toBe('active'); // the switch still lists it …
    expect(await statusOnPage()).toBe('unneeded'); // … but the page no longer counts it down
    expect(await allowancesForBlockPage(sam.id, account.id)).toEqual([]); // another user's account: nothing

    expect((await sim.control('POST', `/_sim/accounts/${account.number}/allowances/SO/expire`)).status).toBe(
      200,
    );
    expect(await watchAllowances({ client: client() })).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'ended', endReason: 'ended_on_switch' });
    expect(await statusOnPage()).toBe('endedUnblocked'); // not "Calls there are blocked again"
    // "Calls to Somalia are blocked again" would be false: nobody is emailed, the audit row says so.
    expect(
      await getDb().mailMessage.count({ where: { template: 'allowance_ended', payload: { contains: id } } }),
    ).toBe(0);
    const ended = await getDb().auditLog.findFirstOrThrow({
      where: { targetId: id, action: 'allowance.ended' },
    });
    expect(JSON.parse(ended.detail!)).toMatchObject({ emailed: false });
  });

  it('an allowance whose until has passed is ended as expired, and only after the switch agrees', async () => {
    const { account, block, member } = await blockedAccount();
    const id = await approvedAllowance(member, block.id, {
      country: 'CU',
      hours: '1',
      reason: 'Calling a clinic in Havana for a relative.',
    });
    await outbox();
    const until = (await row(id)).until!;
    // Tollgate's clock says it is over, but the switch still lists it: it stays in force.
    expect(await watchAllowances({ client: client(), now: () => new Date(until.getTime() - 1000) })).toBe(0);
    // The switch cannot be read: nothing is decided on Tollgate's clock alone.
    await sim.control('PUT', '/_sim/faults', { failNext: 5, method: 'GET' });
    expect(await watchAllowances({ client: client(), now: () => new Date(until.getTime() + 1000) })).toBe(0);
    await sim.control('DELETE', '/_sim/faults');
    expect((await row(id)).status).toBe('active');
    await sim.control('POST', `/_sim/accounts/${account.number}/allowances/CU/expire`);
    expect(await watchAllowances({ client: client(), now: () => new Date(until.getTime() + 1000) })).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'ended', endReason: 'expired' });
  });

  it('bad input gets a clear message and changes nothing', async () => {
    const { account, block, member } = await blockedAccount();
    const other = await blockedAccount();
    const count = () => getDb().destinationAllowance.count({ where: { accountId: account.id } });
    expect(
      await ask(member, {
        blockId: block.id,
        country: 'XX',
        hours: '4',
        reason: 'A country that does not exist.',
      }),
    ).toMatchObject({
      ok: false,
      fieldErrors: { country: ['We do not know this country. Choose one from the list.'] },
    });
    expect(
      await ask(member, {
        blockId: block.id,
        country: 'US',
        hours: '4',
        reason: 'Our own country, which is not blocked.',
      }),
    ).toMatchObject({
      ok: false,
      fieldErrors: { country: [expect.stringContaining('national and are not blocked')] },
    });
    const tooLong = requestAllowanceSchema.safeParse({
      blockId: block.id,
      country: 'SO',
      hours: '73',
      reason: 'We need it for a long time.',
    });
    expect(tooLong.success).toBe(false);
    expect(tooLong.error!.issues[0]).toMatchObject({
      path: ['hours'],
      message: 'outcome.field.allowance.maxHours',
    });
    const empty = requestAllowanceSchema.safeParse({
      blockId: block.id,
      country: 'SO',
      hours: '4',
      reason: '   ',
    });
    expect(empty.error!.issues[0]).toMatchObject({ path: ['reason'] });
    // Another customer's block: the same answer as an id that does not exist.
    expect(
      await ask(member, {
        blockId: other.block.id,
        country: 'SO',
        hours: '4',
        reason: 'Not my account at all.',
      }),
    ).toEqual({ ok: false, code: 'not_found' });
    expect(await count()).toBe(0);
    // Twice the same country: the second is refused while the first is open.
    expect(
      await ask(member, {
        blockId: block.id,
        country: 'SO',
        hours: '4',
        reason: 'We must call our supplier.',
      }),
    ).toMatchObject({ ok: true });
    expect(
      await ask(member, {
        blockId: block.id,
        country: 'SO',
        hours: '2',
        reason: 'Asking again for the same.',
      }),
    ).toMatchObject({ ok: false, message: expect.stringContaining('already an allowance for Somalia') });
    expect(await count()).toBe(1);
    // The agent must attest the callback.
    expect(
      approveAllowanceSchema.safeParse({ allowanceId: 'x', note: 'Spoke with them.' }).error!.issues[0],
    ).toMatchObject({ path: ['attest'] });
    expect(
      grantAllowanceSchema.safeParse({
        accountNumber: account.number,
        country: 'SO',
        hours: '0',
        reason: 'Zero hours is nothing.',
      }).success,
    ).toBe(false);
    expect(await getDb().switchOperation.count({ where: { accountNumber: account.number } })).toBe(0);
  });

  it('the callback phone is checked as for a misdial: a bad one is refused with a note and nothing stored, a good one stored in E.164', async () => {
    const { account, block, member } = await blockedAccount();
    const base = { blockId: block.id, country: 'SO', hours: '4', reason: 'We must call our supplier.' };
    const count = () => getDb().destinationAllowance.count({ where: { accountId: account.id } });
    expect(await ask(member, { ...base, callbackPhone: 'call me maybe' })).toMatchObject({
      ok: false,
      fieldErrors: { callbackPhone: [expect.stringContaining('Enter a valid phone number')] },
    });
    // An international-network number would make support place a high-cost call itself.
    expect(await ask(member, { ...base, callbackPhone: '+882 16 1234 5678' })).toMatchObject({
      ok: false,
      fieldErrors: { callbackPhone: [expect.stringContaining('support cannot call it back')] },
    });
    // Empty: the same field note as the misdial form.
    expect(requestAllowanceSchema.safeParse({ ...base, callbackPhone: '  ' }).error!.issues[0]).toMatchObject(
      { path: ['callbackPhone'], message: 'outcome.field.callbackPhone' },
    );
    expect(await count()).toBe(0);
    // National format for the account's country (US), stored in E.164.
    const asked = await ask(member, { ...base, callbackPhone: '(202) 555-0143' });
    expect(asked).toMatchObject({ ok: true });
    expect((await row(idOf(asked))).callbackPhone).toBe('+12025550143');
    expect(await count()).toBe(1);
  });

  it('the switch failing keeps the allowance waiting, never in force; a refusal is shown as refused', async () => {
    const { account, block, member } = await blockedAccount();
    const id = await approvedAllowance(member, block.id, {
      country: 'SO',
      hours: '4',
      reason: 'We must call our supplier.',
    });
    for (const fault of [{ failNext: 1 }, { dropNext: 1 }]) {
      await sim.control('PUT', '/_sim/faults', fault);
      expect(await outbox()).toBe(0);
      expect((await row(id)).status).toBe('sending');
      await sim.control('DELETE', '/_sim/faults');
      await dueNow();
    }
    expect(await outbox()).toBe(1);
    expect((await row(id)).status).toBe('active');
    expect(await simAllowances(account.number)).toHaveLength(1); // the retries reused the key: applied once

    // An account the switch does not know: a 404 is a final answer, nothing is in force.
    const { account: unknown, users } = await makeAccount();
    await makeBlock(unknown.id, { reason: 'manual', placedBy: 'test' });
    expect(
      await grantAllowance(
        await staff(),
        { accountNumber: unknown.number, country: 'SO', hours: 2, reason: 'Supplier call.' },
        meta,
      ),
    ).toMatchObject({ ok: true });
    expect(await outbox()).toBe(0);
    const refused = await getDb().destinationAllowance.findFirstOrThrow({ where: { accountId: unknown.id } });
    expect(refused.status).toBe('refused');
    expect(
      await getDb().mailMessage.count({ where: { template: 'allowance_started', to: users[0].email } }),
    ).toBe(0);
    expect(await audits(refused.id)).toEqual(['allowance.granted', 'allowance.refused']);
  });

  it('two agents deciding one allowance at once: one decision, at most one PUT, the other told who did what', async () => {
    const db = getDb();
    const deny = (u: CurrentUser, allowanceId: string) =>
      denyAllowance(u, { allowanceId, note: 'We could not reach the account holder.' }, meta);
    for (const race of ['approve-approve', 'approve-deny'] as const) {
      const { account, block, member } = await blockedAccount();
      const id = idOf(
        await ask(member, { blockId: block.id, country: 'SO', hours: '4', reason: 'Supplier in Mogadishu.' }),
      );
      const [sam, ana] = [await staff(), await staff()];
      const results = await Promise.all([
        approve(sam, id),
        race === 'approve-approve' ? approve(ana, id) : deny(ana, id),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const winner = results[0].ok ? sam : ana;
      const final = await row(id);
      expect(final.decidedById).toBe(winner.id);
      const verb = final.status === 'denied' ? 'denied' : 'approved';
      const loser = results.find((r) => !r.ok)!;
      expect(inWords(loser)).toMatchObject({
        code: 'conflict',
        message: expect.stringContaining(`${winner.email} has already ${verb} this request.`),
      });
      expect(inWords(loser, 'es').message).toContain(
        `${winner.email} ya ${verb === 'denied' ? 'rechazó' : 'aprobó'} esta solicitud.`,
      );
      expect(await db.switchOperation.count({ where: { accountNumber: account.number } })).toBe(
        verb === 'approved' ? 1 : 0,
      );
      await outbox(); // sends the winner's PUT, so the next test's outbox finds only its own
    }

    // A new block closed the request before the agent decided: Tollgate did, not a colleague.
    const { account, block, member } = await blockedAccount();
    const id = idOf(
      await ask(member, { blockId: block.id, country: 'SO', hours: '4', reason: 'Supplier in Mogadishu.' }),
    );
    expect((await deliver(placedEvent(account.number))).status).toBe(200);
    expect(await row(id)).toMatchObject({ status: 'denied', decidedById: null });
    expect(inWords(await deny(await staff(), id)).message).toBe(
      'Tollgate has already closed this request because a new block came into force. Nothing was changed and nothing was sent to the switch. This page now shows where it stands.',
    );
  });

  it('support grants directly, ends it early through DELETE, and denies a request', async () => {
    const { account, block, member } = await blockedAccount();
    const alex = await staff();
    expect(
      await grantAllowance(
        alex,
        { accountNumber: account.number, country: 'ST', hours: 3, reason: 'Supplier in São Tomé.' },
        meta,
      ),
    ).toMatchObject({ ok: true, data: AWAITS_SWITCH });
    expect(await outbox()).toBe(1);
    const granted = await getDb().destinationAllowance.findFirstOrThrow({
      where: { accountId: account.id, country: 'ST' },
    });
    expect(granted.status).toBe('active');
    expect(await endAllowanceEarly(alex, { allowanceId: granted.id }, meta)).toEqual({
      ok: true,
      note: { key: 'outcome.allowance.endSent' },
      data: AWAITS_SWITCH,
    });
    expect(inWords(await endAllowanceEarly(alex, { allowanceId: granted.id }, meta))).toMatchObject({
      ok: false,
      message: expect.stringContaining('already waiting'),
    });
    expect((await row(granted.id)).status).toBe('active'); // until the switch confirms
    expect(await outbox()).toBe(1);
    expect(await row(granted.id)).toMatchObject({ status: 'ended', endReason: 'ended_by_staff' });
    expect(await simAllowances(account.number)).toEqual([]);

    const id = idOf(
      await ask(member, {
        blockId: block.id,
        country: 'SO',
        hours: '4',
        reason: 'We must call our supplier.',
      }),
    );
    // A denial is done at once: nothing waits for the switch, and its words stay.
    expect(
      await denyAllowance(alex, { allowanceId: id, note: 'We could not reach the account holder.' }, meta),
    ).toEqual({ ok: true, note: { key: 'outcome.allowance.denied' } });
    expect(inWords(await approve(alex, id))).toEqual({
      ok: false,
      code: 'conflict',
      message: `${alex.email} has already denied this request. Nothing was changed and nothing was sent to the switch. This page now shows where it stands.`,
    });
    expect(
      await getDb().switchOperation.count({ where: { accountNumber: account.number, status: 'pending' } }),
    ).toBe(0);

    // Not blocked (lifted since the page offered the grant form): nothing to allow, and the account
    // page is drawn again, without that form.
    await getDb().block.update({ where: { id: block.id }, data: { status: 'lifted', liftedAt: new Date() } });
    const unneeded = await grantAllowance(
      alex,
      { accountNumber: account.number, country: 'SO', hours: 3, reason: 'Supplier call again.' },
      meta,
    );
    expect(inWords(unneeded)).toMatchObject({
      ok: false,
      code: 'conflict',
      message: expect.stringContaining('not blocked'),
    });
    expect(refreshesAccountPage(unneeded)).toBe(true);
    // "End now" on an allowance that ended meanwhile: the same.
    const ended = await endAllowanceEarly(alex, { allowanceId: granted.id }, meta);
    expect(ended).toEqual({ ok: false, code: 'conflict', note: { key: 'outcome.allowance.notInForce' } });
    expect(refreshesAccountPage(ended)).toBe(true);
  });
});
