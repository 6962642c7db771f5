import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllowanceStatus } from '@/components/allowance/block-allowances';
import { AllowanceFacts, staffStatusKey } from '@/components/allowance/staff-allowances';
import { grantAllowance } from '@/lib/allowances/decide';
import { ALLOWANCE_GIVE_UP_MS } from '@/lib/allowances/operations';
import { allowancesForBlockPage, allowancesForStaff, type AllowanceView } from '@/lib/allowances/queries';
import type { CurrentUser } from '@/lib/auth/session';
import { CATALOGUES, translator } from '@/lib/i18n/translate';
import { placeManualBlock } from '@/lib/blocks/manual';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeBlockedOnSwitch, makeStaff } from '@/tests/helpers/factory';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// An allowance operation the switch never answers for good (a switch without the allowance calls
// answering 501, a proxy's 503, a body Tollgate cannot read). Before, it was sent again for ever,
// and while it waited every reconciler pass skipped the account ("waiting for the switch") and every
// manual block was refused as switch_busy: a lift the provider made on the switch whose event was
// lost left the portal showing "blocked" for ever. Now only a change of international calling holds
// those back, and an allowance operation is given up after ALLOWANCE_GIVE_UP_MS, listed for staff.

let sim: TestSim;
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

/** `node` as a server component renders it for a reader of `locale`, as text. */
const text = (node: ReactNode, locale: 'en' | 'es') =>
  renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  ).replace(/<[^>]+>/g, '');
/** The block page's line for `a` as a reader of `locale` reads it (times as UNTIL and ENDED). */
const customerLine = (a: AllowanceView, locale: 'en' | 'es') =>
  text(h(AllowanceStatus, { allowance: a, country: a.country, until: 'UNTIL', endedAt: 'ENDED' }), locale);
/** The staff account page's heading status and facts of `accountId`'s only allowance, for `locale`. */
async function staffWords(agent: CurrentUser, accountId: string, locale: 'en' | 'es') {
  const [a] = await allowancesForStaff(agent, accountId, locale);
  const key = staffStatusKey(a!);
  return {
    status: key ? translator(locale)(`staff.allowances.status.${key as 'active'}`) : a!.status,
    facts: text(h(AllowanceFacts, { allowance: a!, at: () => 'THEN' }), locale),
  };
}
/** Words that say the switch refused the allowance: false of a grant it never answered. */
const REFUSED = [/refused/i, /rechaz/i];
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
const outbox = () => processSwitchOutbox({ client: client() });
const dueNow = (accountNumber: string) =>
  getDb().switchOperation.updateMany({
    where: { accountNumber, status: 'pending' },
    data: { nextAttemptAt: new Date(0) },
  });
/** The switch answers again, and what the account still has queued is sent (tests share the outbox). */
async function settle(n: string) {
  await sim.control('DELETE', `/_sim/faults/${n}`);
  await dueNow(n);
  await outbox();
  expect(await getDb().switchOperation.count({ where: { accountNumber: n, status: 'pending' } })).toBe(0);
}
/** The switch answers every allowance call for account `n` with 501 (it lacks the endpoint). */
const noAllowanceCalls = (n: string) =>
  sim.control('PUT', `/_sim/faults/${n}`, {
    failNext: 1000,
    failStatus: 501,
    pathContains: 'destination-allowances',
  });
const allowanceOps = (accountNumber: string) =>
  getDb().switchOperation.findMany({
    where: { accountNumber, kind: { in: ['allowance_put', 'allowance_delete'] } },
    orderBy: { createdAt: 'asc' },
  });
const simAllowances = async (n: string) =>
  ((await sim.control('GET', `/_sim/accounts/${n}`)).body.allowances as { country: string }[]).map(
    (a) => a.country,
  );

describe.each(dialects())('an allowance operation the switch never answers, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim.stop();
  });

  /** A blocked account with support's two-hour allowance for Somalia queued for the switch. */
  async function granted() {
    const made = await makeBlockedOnSwitch(sim);
    expect(
      await grantAllowance(
        await makeStaff(),
        {
          accountNumber: made.account.number,
          country: 'SO',
          hours: 2,
          reason: 'Supplier call in Mogadishu.',
        },
        meta,
      ),
    ).toMatchObject({ ok: true });
    return made;
  }

  it('does not hold the reconciler back: a lift on the switch whose event was lost is still found', async () => {
    const { account } = await granted();
    await noAllowanceCalls(account.number);
    expect(await outbox()).toBe(0);
    expect((await allowanceOps(account.number))[0].status).toBe('pending');
    // The provider lifts the block on the switch; its block.lifted never arrives.
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'allowed',
      credentials: [],
    });
    const pass = () =>
      reconcilePass({ client: client(), differenceWaitMs: 0, accountNumbers: [account.number] });
    expect(await pass()).toMatchObject({ waiting_for_switch: 0, difference_seen: 1 });
    // Blocked on either side is blocked on both: the block goes back on the switch.
    expect(await pass()).toMatchObject({ waiting_for_switch: 0, reapplied_on_switch: 1 });
    await settle(account.number);
  });

  it('does not refuse a manual block as switch_busy', async () => {
    const { account } = await granted();
    expect(await outbox()).toBe(1); // in force
    // The block is lifted on the switch: the allowance's DELETE follows, and the switch fails it.
    await noAllowanceCalls(account.number);
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'allowed',
      credentials: [],
    });
    expect(await deliver(liftedEvent(account.number))).toMatchObject({ status: 200 });
    expect(await outbox()).toBe(0);
    expect((await allowanceOps(account.number)).map((o) => [o.kind, o.status])).toEqual([
      ['allowance_put', 'done'],
      ['allowance_delete', 'pending'],
    ]);
    expect(
      await placeManualBlock(
        await makeStaff(),
        { accountNumber: account.number, note: 'Customer asked us to block.' },
        meta,
      ),
    ).toMatchObject({ ok: true });
    expect(await outbox()).toBe(1); // the manual block is confirmed; the DELETE still fails
    expect(
      await getDb().block.count({ where: { accountId: account.id, reason: 'manual', status: 'active' } }),
    ).toBe(1);
    await settle(account.number);
  });

  /** Makes the account's allowance operations older than the give-up horizon. */
  const pastHorizon = (accountNumber: string) =>
    getDb().switchOperation.updateMany({
      where: { accountNumber, kind: { in: ['allowance_put', 'allowance_delete'] }, status: 'pending' },
      data: { createdAt: new Date(Date.now() - ALLOWANCE_GIVE_UP_MS - 60_000), nextAttemptAt: new Date(0) },
    });

  it('a grant never answered is given up after the horizon: refused, ended on the switch, listed for staff', async () => {
    const { account, member } = await granted();
    await noAllowanceCalls(account.number);
    expect(await outbox()).toBe(0);
    await dueNow(account.number);
    expect(await outbox()).toBe(0); // still young: tried again
    expect((await allowanceOps(account.number))[0]).toMatchObject({ status: 'pending', attempts: 2 });

    await pastHorizon(account.number);
    expect(await outbox()).toBe(0);
    const [put, del] = await allowanceOps(account.number);
    expect(put.status).toBe('failed');
    expect(put.lastError).toMatch(/501/);
    const allowance = await getDb().destinationAllowance.findFirstOrThrow({
      where: { accountId: account.id },
    });
    expect(allowance.status).toBe('refused');
    // Tollgate's own code, as its other end reasons are: the transport error is not the switch's word.
    expect(allowance.endReason).toBe('gave_up');
    expect(del).toMatchObject({ kind: 'allowance_delete', status: 'pending' }); // it may have reached the switch
    const issues = await getDb().syncIssue.findMany({ where: { accountId: account.id } });
    expect(issues).toMatchObject([{ action: 'allowance_gave_up', switchState: 'unknown', resolvedAt: null }]);
    expect(issues[0]!.detail).toMatch(/501/); // the transport error stays with staff
    const audit = await getDb().auditLog.findFirstOrThrow({
      where: { targetId: allowance.id, action: 'allowance.refused' },
    });
    expect(JSON.parse(audit.detail!)).toMatchObject({
      cause: 'gave_up',
      country: 'SO',
      error: expect.stringMatching(/501/),
    });

    // The customer's block page: not "the switch refused it"; its removal from the switch waits.
    const [waiting] = await allowancesForBlockPage(member.id, account.id);
    expect(waiting).toMatchObject({ id: allowance.id, status: 'gaveUp', endingSince: expect.any(Date) });
    expect(customerLine(waiting!, 'en')).toBe(
      'SO: our phone system did not confirm the allowance within an hour, so we stopped asking for it, and are having it removed in case it got there; our phone system has not confirmed that yet. Support will follow up.',
    );
    expect(customerLine(waiting!, 'es')).toBe(
      'SO: nuestra central no confirmó el permiso en una hora, así que dejamos de solicitarlo y lo estamos retirando, por si llegó a aplicarse allí; nuestra central todavía no lo ha confirmado. Soporte se pondrá en contacto con usted.',
    );
    // The staff account page: given up, its end reason in words, not the transport error; being
    // removed from the switch, not "Ended", while the switch has not confirmed the DELETE.
    const agent = await makeStaff();
    expect(await staffWords(agent, account.id, 'en')).toEqual({
      status: 'Not confirmed by the switch within an hour: given up; Tollgate is removing it from the switch',
      facts: expect.stringMatching(
        / · Ending since THEN \(given up by Tollgate: the switch gave no answer within an hour\)$/,
      ),
    });
    expect(await staffWords(agent, account.id, 'es')).toEqual({
      status: 'No confirmado por el switch en una hora: abandonado; Tollgate lo está retirando del switch',
      facts: expect.stringMatching(
        / · Finalizando desde el THEN \(abandonado por Tollgate: el switch no respondió en una hora\)$/,
      ),
    });
    for (const locale of ['en', 'es'] as const) {
      const staff = await staffWords(agent, account.id, locale);
      for (const words of [customerLine(waiting!, locale), staff.status, staff.facts])
        for (const refused of REFUSED) expect(words).not.toMatch(refused);
      expect(staff.facts).not.toMatch(/501/);
    }

    // The switch answers again: the DELETE goes through, and nothing is sent for the grant any more.
    await sim.control('DELETE', `/_sim/faults/${account.number}`);
    await dueNow(account.number);
    expect(await outbox()).toBe(1);
    expect((await allowanceOps(account.number)).map((o) => o.status)).toEqual(['failed', 'done']);
    expect(await simAllowances(account.number)).toEqual([]);
    // The switch confirmed the removal: now it is true that the allowance is not in force there.
    const [settled] = await allowancesForBlockPage(member.id, account.id);
    expect(settled).toMatchObject({ status: 'gaveUp', endingSince: null });
    expect(customerLine(settled!, 'en')).toBe(
      'SO: our phone system did not confirm the allowance within an hour, so it is not in force. Support will follow up.',
    );
    expect(customerLine(settled!, 'es')).toBe(
      'SO: nuestra central no confirmó el permiso en una hora, así que no está en vigor. Soporte se pondrá en contacto con usted.',
    );
    expect(await staffWords(agent, account.id, 'en')).toEqual({
      status: 'Not confirmed by the switch within an hour: given up',
      facts: expect.stringMatching(
        / · Ended THEN \(given up by Tollgate: the switch gave no answer within an hour\)$/,
      ),
    });
    expect(await staffWords(agent, account.id, 'es')).toEqual({
      status: 'No confirmado por el switch en una hora: abandonado',
      facts: expect.stringMatching(
        / · Finalizado el THEN \(abandonado por Tollgate: el switch no respondió en una hora\)$/,
      ),
    });
    expect(
      (await getDb().destinationAllowance.findUniqueOrThrow({ where: { id: allowance.id } })).endReason,
    ).toBe('gave_up');
  });

  it('a grant given up before its end reason was a code (a transport error) reads as before: refused', async () => {
    const { account, member } = await makeBlockedOnSwitch(sim);
    const error = 'unavailable: the switch answered 501';
    const old = await getDb().destinationAllowance.create({
      data: {
        accountId: account.id,
        country: 'SO',
        hours: 2,
        reason: 'Supplier call in Mogadishu.',
        status: 'refused',
        endedAt: new Date(),
        endReason: error,
      },
    });
    const [a] = await allowancesForBlockPage(member.id, account.id);
    expect(a).toMatchObject({ id: old.id, status: 'refused' });
    expect(customerLine(a!, 'en')).toBe(
      'SO: our phone system refused the allowance, so nothing changed. Support will follow up.',
    );
    const agent = await makeStaff();
    const [staff] = await allowancesForStaff(agent, account.id);
    expect(staff).toMatchObject({ status: 'refused', endReason: error });
    expect((await staffWords(agent, account.id, 'en')).status).toBe('Refused by the switch');
  });

  /** The sync issues listed for the account, oldest first. */
  const issues = (accountId: string) =>
    getDb().syncIssue.findMany({ where: { accountId }, orderBy: { detectedAt: 'asc' } });
  /** The allowance's DELETE fails once more, past the horizon: it is still pending, listed no second time. */
  async function failsAgain(accountNumber: string, accountId: string, listed: number) {
    await dueNow(accountNumber);
    expect(await outbox()).toBe(0);
    const del = (await allowanceOps(accountNumber)).find((o) => o.kind === 'allowance_delete')!;
    expect(del.status).toBe('pending');
    expect(await issues(accountId)).toHaveLength(listed);
  }

  it('an end never answered is sent until the switch answers: shown in force meanwhile, listed for staff once', async () => {
    const { account } = await granted();
    expect(await outbox()).toBe(1); // in force
    await noAllowanceCalls(account.number);
    // Fraud again: the new block ends the allowance, and the switch fails the DELETE.
    expect(await deliver(placedEvent(account.number))).toMatchObject({ status: 200 });
    expect(await outbox()).toBe(0);
    await pastHorizon(account.number);
    expect(await outbox()).toBe(0);
    // Not given up: it is all that can end the exception on the switch under the new block.
    const del = (await allowanceOps(account.number)).find((o) => o.kind === 'allowance_delete')!;
    expect(del.status).toBe('pending');
    // The switch may still let the calls through: shown in force until it confirms the end.
    const allowance = await getDb().destinationAllowance.findFirstOrThrow({
      where: { accountId: account.id },
    });
    expect(allowance.status).toBe('active');
    expect(await issues(account.id)).toMatchObject([
      { action: 'allowance_gave_up', switchState: 'unknown', resolvedAt: null },
    ]);
    expect(
      await getDb().auditLog.count({ where: { targetId: allowance.id, action: 'allowance.end_refused' } }),
    ).toBe(0);
    await failsAgain(account.number, account.id, 1);
    // The switch answers again: the DELETE goes through and the allowance ends.
    await settle(account.number);
    expect(await simAllowances(account.number)).toEqual([]);
    expect(
      (await getDb().destinationAllowance.findUniqueOrThrow({ where: { id: allowance.id } })).status,
    ).toBe('ended');
  });

  it('a grant given up that reached the switch: its DELETE is sent until the switch answers, and ends it there', async () => {
    const { account } = await granted();
    // The PUT reaches the switch, whose answer comes too late: not known to be applied.
    await sim.control('PUT', `/_sim/faults/${account.number}`, {
      applyLateMs: 1500,
      applyLateNext: 1,
      pathContains: 'destination-allowances',
    });
    const impatient = createSwitchClient({
      baseUrl: sim.url,
      token: TOKEN,
      timeoutMs: 300,
      retries: 0,
      log: () => {},
    });
    expect(await processSwitchOutbox({ client: impatient })).toBe(0);
    expect(await simAllowances(account.number)).toEqual(['SO']); // live on the switch
    await noAllowanceCalls(account.number);
    await pastHorizon(account.number);
    expect(await outbox()).toBe(0);
    const allowance = await getDb().destinationAllowance.findFirstOrThrow({
      where: { accountId: account.id },
    });
    expect(allowance.status).toBe('refused'); // no page shows it, the watch does not read it
    // Its DELETE, past the horizon too, is never given up.
    await pastHorizon(account.number);
    expect(await outbox()).toBe(0);
    expect((await allowanceOps(account.number)).map((o) => [o.kind, o.status]).sort()).toEqual([
      ['allowance_delete', 'pending'],
      ['allowance_put', 'failed'],
    ]);
    expect((await issues(account.id)).map((i) => i.detail)).toEqual([
      expect.stringContaining('history.syncAllowancePutGaveUp'),
      expect.stringContaining('history.syncAllowanceDeleteGaveUp'),
    ]);
    await failsAgain(account.number, account.id, 2);
    expect(await simAllowances(account.number)).toEqual(['SO']);
    await settle(account.number);
    expect(await simAllowances(account.number)).toEqual([]);
  });

  it('a grant on its way that a new block cancelled: its DELETE is sent until the switch answers, and ends it there', async () => {
    const { account } = await granted();
    await sim.control('PUT', `/_sim/faults/${account.number}`, {
      applyLateMs: 1500,
      applyLateNext: 1,
      pathContains: 'destination-allowances',
    });
    const impatient = createSwitchClient({
      baseUrl: sim.url,
      token: TOKEN,
      timeoutMs: 300,
      retries: 0,
      log: () => {},
    });
    expect(await processSwitchOutbox({ client: impatient })).toBe(0);
    expect(await simAllowances(account.number)).toEqual(['SO']);
    await noAllowanceCalls(account.number);
    // Fraud again while the PUT waits for an answer: the grant is cancelled, a DELETE follows.
    expect(await deliver(placedEvent(account.number))).toMatchObject({ status: 200 });
    const allowance = await getDb().destinationAllowance.findFirstOrThrow({
      where: { accountId: account.id },
    });
    expect(allowance.status).toBe('ended');
    await pastHorizon(account.number);
    expect(await outbox()).toBe(0);
    expect((await allowanceOps(account.number)).map((o) => [o.kind, o.status]).sort()).toEqual([
      ['allowance_delete', 'pending'],
      ['allowance_put', 'failed'],
    ]);
    expect(await issues(account.id)).toMatchObject([{ action: 'allowance_gave_up', switchState: 'unknown' }]);
    await failsAgain(account.number, account.id, 1);
    await settle(account.number);
    expect(await simAllowances(account.number)).toEqual([]);
  });
});
