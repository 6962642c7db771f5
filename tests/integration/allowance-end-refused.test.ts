import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AllowanceStatus } from '@/components/allowance/block-allowances';
import { AllowanceFacts, EndRefusedLine, staffStatusKey } from '@/components/allowance/staff-allowances';
import { endAllowanceEarly, grantAllowance } from '@/lib/allowances/decide';
import { WATCH_EVERY_MS, watchAllowances } from '@/lib/allowances/expiry';
import {
  ALLOWANCE_GIVE_UP_MS,
  sendAllowanceOperation,
  standingRefusedEnds,
} from '@/lib/allowances/operations';
import { allowancesForBlockPage, allowancesForStaff, type AllowanceView } from '@/lib/allowances/queries';
import type { CurrentUser } from '@/lib/auth/session';
import { CATALOGUES, translator } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { forgetAccountAnswers } from '@/lib/switch/answered';
import { createSwitchClient, type SwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { deleteFinishedSwitchOperations } from '@/lib/server/retention';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeBlockedOnSwitch, makeStaff } from '@/tests/helpers/factory';
import { deliver, placedEvent } from '@/tests/helpers/switch-events';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Found in review (2026-12-06): a DELETE the switch refused for good (a final 4xx, "nothing
// changed") was only audited. An allowance Tollgate had ended (a new block, a lift, a grant given up)
// then read "Ended" on both pages while the switch still listed it and let calls to that country
// through under the block; support's "End now" refused left it "In force" with nothing saying why,
// and nobody was told. Now Tollgate asks the switch's GET what it has, and the pages say it.

let sim: TestSim;
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const outbox = (c: SwitchClient = client()) => processSwitchOutbox({ client: c });
/** Every operation of account `n` still pending is due now (the outbox's backoff is skipped). */
const dueNow = (n: string) =>
  getDb().switchOperation.updateMany({
    where: { accountNumber: n, status: 'pending' },
    data: { nextAttemptAt: new Date(0) },
  });
const fault = (scope: string, body: Record<string, unknown>) =>
  sim.control('PUT', `/_sim/faults/${encodeURIComponent(scope)}`, body);
/** The switch refuses every DELETE of account `n`'s allowances for good (422: nothing changed). */
const refuseDeletes = (n: string) =>
  fault(`${n}/destination-allowances`, { failNext: 1000, failStatus: 422, method: 'DELETE' });
/** A client whose account GET answers `get` instead of the switch (a switch Tollgate cannot fault otherwise). */
const withGet = (get: SwitchClient['getAccount']): SwitchClient => ({ ...client(), getAccount: get });

/** `node` as a server component renders it for a reader of `locale`, as text. */
const text = (node: ReactNode, locale: 'en' | 'es') =>
  renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  ).replace(/<[^>]+>/g, '');
/** The block page's line for `a` (times as UNTIL and ENDED). */
const line = (a: AllowanceView, locale: 'en' | 'es') =>
  text(h(AllowanceStatus, { allowance: a, country: a.country, until: 'UNTIL', endedAt: 'ENDED' }), locale);
/** The staff account page's words of `accountId`'s newest allowance: heading status, facts, refusal line (times THEN). */
async function staffWords(agent: CurrentUser, accountId: string, locale: 'en' | 'es') {
  const [a] = await allowancesForStaff(agent, accountId, locale);
  const key = staffStatusKey(a!);
  return {
    status: key ? translator(locale)(`staff.allowances.status.${key as 'active'}`) : a!.status,
    facts: text(h(AllowanceFacts, { allowance: a!, at: () => 'THEN' }), locale),
    refusal: text(h(EndRefusedLine, { allowance: a!, country: 'Somalia', at: () => 'THEN' }), locale),
  };
}
const deleteOps = (n: string) =>
  getDb().switchOperation.findMany({
    where: { accountNumber: n, kind: 'allowance_delete' },
    orderBy: { createdAt: 'asc' },
  });
const endRefusedAudits = async (allowanceId: string) =>
  (
    await getDb().auditLog.findMany({
      where: { targetId: allowanceId, action: 'allowance.end_refused' },
      orderBy: { at: 'asc' },
    })
  ).map((r) => JSON.parse(r.detail!) as Record<string, unknown>);
const syncIssues = (accountId: string) => getDb().syncIssue.findMany({ where: { accountId } });
const simAllowances = async (n: string) =>
  (await sim.control('GET', `/_sim/accounts/${n}`)).body.allowances as { country: string; until: string }[];
const allowanceRow = (id: string) => getDb().destinationAllowance.findUniqueOrThrow({ where: { id } });

/** Support grants Somalia for 4 h on a blocked account and the switch confirms it. */
async function inForce() {
  const made = await makeBlockedOnSwitch(sim);
  const agent = await makeStaff();
  expect(
    await grantAllowance(
      agent,
      { accountNumber: made.account.number, country: 'SO', hours: 4, reason: 'Supplier call.' },
      meta,
    ),
  ).toMatchObject({ ok: true });
  expect(await outbox()).toBe(1);
  const a = await getDb().destinationAllowance.findFirstOrThrow({ where: { accountId: made.account.id } });
  expect(a.status).toBe('active');
  return { ...made, agent, allowanceId: a.id };
}

/**
 * Support grants Somalia; the switch applies the PUT but answers after Tollgate stopped waiting; a
 * new fraud block then ends the grant in Tollgate (`ended`, a DELETE queued): the switch lists it.
 */
async function endedByTollgate() {
  const made = await makeBlockedOnSwitch(sim);
  const agent = await makeStaff();
  const n = made.account.number;
  await fault(n, { applyLateMs: 1500, applyLateNext: 1, pathContains: 'destination-allowances' });
  expect(
    await grantAllowance(
      agent,
      { accountNumber: n, country: 'SO', hours: 4, reason: 'Supplier call.' },
      meta,
    ),
  ).toMatchObject({ ok: true });
  const impatient = createSwitchClient({
    baseUrl: sim.url,
    token: TOKEN,
    timeoutMs: 300,
    retries: 0,
    log: () => {},
  });
  await outbox(impatient);
  await sim.control('DELETE', `/_sim/faults/${n}`);
  expect((await simAllowances(n)).map((a) => a.country)).toEqual(['SO']);
  expect((await deliver(placedEvent(n, { to: '+252611234567' }))).status).toBe(200);
  const a = await getDb().destinationAllowance.findFirstOrThrow({ where: { accountId: made.account.id } });
  expect(a.status).toBe('ended');
  expect((await deleteOps(n)).map((o) => o.status)).toEqual(['pending']);
  await dueNow(n);
  return { ...made, agent, allowanceId: a.id };
}

const ENDED = {
  en: 'SO: the allowance ended on ENDED. Calls there are blocked again.',
  es: 'SO: el permiso terminó el ENDED. Las llamadas a ese país vuelven a estar bloqueadas.',
};
/** What the block page adds to ENDED for why it ended (allowance.endCause). */
const BY_STAFF = {
  en: ' Support ended it before its end time.',
  es: ' Soporte lo finalizó antes de la hora prevista.',
};
const NEW_BLOCK = {
  en: ' It was ended early because a new block was placed on the account: our fraud monitoring saw suspicious calls again.',
  es: ' Se finalizó antes de tiempo porque se aplicó un nuevo bloqueo a la cuenta: nuestra vigilancia antifraude volvió a detectar llamadas sospechosas.',
};

describe.each(dialects())('an allowance DELETE the switch refuses for good, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(async () => {
    await sim.control('DELETE', '/_sim/faults');
  });

  it('refused, and the switch no longer lists it: "End now" ends it once, emailed as a confirmed end', async () => {
    const { account, member, agent, allowanceId } = await inForce();
    // The switch drops it by itself meanwhile, then refuses the DELETE.
    await sim.control('POST', `/_sim/accounts/${account.number}/allowances/SO/expire`);
    await refuseDeletes(account.number);
    expect(await endAllowanceEarly(agent, { allowanceId }, meta)).toMatchObject({ ok: true });
    expect(await outbox()).toBe(1);
    expect(await allowanceRow(allowanceId)).toMatchObject({ status: 'ended', endReason: 'ended_by_staff' });
    expect((await deleteOps(account.number)).map((o) => o.status)).toEqual(['done']);
    const mails = await getDb().mailMessage.findMany({
      where: { template: 'allowance_ended', payload: { contains: allowanceId } },
    });
    expect(mails.map((m) => m.to).sort()).toEqual([member.email, agent.email].sort());
    expect(await endRefusedAudits(allowanceId)).toEqual([
      { country: 'SO', error: expect.stringMatching(/422/), onSwitch: 'not_listed' },
    ]);
    expect(
      await getDb().auditLog.count({ where: { targetId: allowanceId, action: 'allowance.ended' } }),
    ).toBe(1);
    expect(await syncIssues(account.id)).toEqual([]);
    const [shown] = await allowancesForBlockPage(member.id, account.id);
    expect(shown).toMatchObject({ status: 'ended', endingSince: null, stillOnSwitch: null });
    expect(line(shown!, 'en')).toBe(ENDED.en + BY_STAFF.en);
  });

  it('refused, and the switch has no such account (404): the end is true', async () => {
    const { account, agent, allowanceId } = await inForce();
    await refuseDeletes(account.number);
    expect(await endAllowanceEarly(agent, { allowanceId }, meta)).toMatchObject({ ok: true });
    const gone = withGet(async () => ({
      ok: false,
      kind: 'not_found',
      status: 404,
      code: 'account_not_found',
      message: 'HTTP 404 account_not_found: no such account',
    }));
    expect(await outbox(gone)).toBe(1);
    expect(await allowanceRow(allowanceId)).toMatchObject({ status: 'ended', endReason: 'ended_by_staff' });
    expect(await endRefusedAudits(allowanceId)).toEqual([
      expect.objectContaining({ onSwitch: 'no_account' }),
    ]);
    expect(await syncIssues(account.id)).toEqual([]);
  });

  it('refused, and the switch no longer lists one Tollgate ended: the DELETE is done, both pages read ended', async () => {
    const { account, member, agent, allowanceId } = await endedByTollgate();
    await sim.control('POST', `/_sim/accounts/${account.number}/allowances/SO/expire`);
    await refuseDeletes(account.number);
    await outbox();
    expect((await deleteOps(account.number)).map((o) => o.status)).toEqual(['done']);
    expect(await allowanceRow(allowanceId)).toMatchObject({ status: 'ended', endReason: 'new_block' });
    expect(await endRefusedAudits(allowanceId)).toEqual([
      { country: 'SO', error: expect.stringMatching(/422/), onSwitch: 'not_listed' },
    ]);
    expect(await syncIssues(account.id)).toEqual([]);
    const [shown] = await allowancesForBlockPage(member.id, account.id);
    expect(shown).toMatchObject({ status: 'ended', endingSince: null, stillOnSwitch: null });
    expect(line(shown!, 'en')).toBe(ENDED.en + NEW_BLOCK.en);
    expect(line(shown!, 'es')).toBe(ENDED.es + NEW_BLOCK.es);
    expect((await staffWords(agent, account.id, 'en')).status).toBe('Ended');
  });

  it('refused, and the switch still lists one Tollgate ended: not "Ended" on either page; listed for staff once', async () => {
    const { account, member, agent, allowanceId } = await endedByTollgate();
    await refuseDeletes(account.number);
    await outbox();
    const listedUntil = (await simAllowances(account.number))[0]!.until;
    const [del] = await deleteOps(account.number);
    expect(del).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/422/) });
    expect(JSON.parse(del!.payload)).toMatchObject({
      stillListed: { until: new Date(listedUntil).toISOString() },
    });
    expect((await allowanceRow(allowanceId)).status).toBe('ended');

    // The customer's block page: the switch refused to remove it, and may let calls through until then.
    const [shown] = await allowancesForBlockPage(member.id, account.id);
    expect(shown).toMatchObject({
      status: 'ended',
      endingSince: null,
      stillOnSwitch: { until: new Date(listedUntil) },
    });
    expect(line(shown!, 'en')).toBe(
      'SO: we ended this allowance, but our phone system refused to remove it, so while international calling is blocked, calls to this country may still go through until UNTIL. Support has been told and is having it removed.',
    );
    expect(line(shown!, 'es')).toBe(
      'SO: finalizamos este permiso, pero nuestra central se negó a retirarlo, así que, mientras las llamadas internacionales estén bloqueadas, las llamadas a este país pueden seguir pasando hasta el UNTIL. Soporte ya está avisado y está gestionando su retirada.',
    );
    // The staff account page: ended in Tollgate only, the refusal with the switch's error in words.
    expect(await staffWords(agent, account.id, 'en')).toEqual({
      status: 'Ended in Tollgate; the switch refused to remove it and may still have it',
      facts: expect.stringMatching(
        / · Ended in Tollgate THEN \(ended by Tollgate: a new block was placed\)$/,
      ),
      refusal: expect.stringMatching(
        /^The switch refused to remove it on THEN \(it answered “simulated_failure”: .+\) and may still have it until THEN: until then it may let calls to Somalia through under a block\. Have the switch engineers remove it there\.$/,
      ),
    });
    expect(await staffWords(agent, account.id, 'es')).toEqual({
      status: 'Finalizado en Tollgate; el switch se negó a retirarlo y puede que aún lo tenga',
      facts: expect.stringMatching(
        / · Finalizado en Tollgate el THEN \(finalizado por Tollgate: se impuso un nuevo bloqueo\)$/,
      ),
      refusal: expect.stringMatching(
        /^El switch se negó a retirarlo el THEN \(.+\) y puede que aún lo tenga hasta el THEN: /,
      ),
    });
    for (const locale of ['en', 'es'] as const) {
      const words = await staffWords(agent, account.id, locale);
      expect(words.facts).not.toMatch(/ · (Ended|Finalizado el) THEN/);
      expect(words.status).not.toBe(translator(locale)('staff.allowances.status.ended'));
    }

    // Audited, and listed for staff under "Out of sync with the switch", once.
    expect(await endRefusedAudits(allowanceId)).toEqual([
      {
        country: 'SO',
        error: expect.stringMatching(/422/),
        listedUntil: new Date(listedUntil).toISOString(),
      },
    ]);
    const issues = await syncIssues(account.id);
    expect(issues).toMatchObject([
      { action: 'allowance_end_refused', portalState: 'blocked', switchState: 'blocked', resolvedAt: null },
    ]);
    expect(issues[0]!.detail).toContain('history.syncAllowanceEndRefused"');
    // Another worker that held the same claim records its answer too late: nothing twice.
    expect(await sendAllowanceOperation(del!, client())).toBe('refused');
    expect(await syncIssues(account.id)).toHaveLength(1);
    expect(await endRefusedAudits(allowanceId)).toHaveLength(1);
    expect(await allowancesForBlockPage(member.id, account.id)).toEqual([shown]);

    // Once the switch's `until` has passed, the switch has dropped it by itself: ended again.
    const passed: Record<string, unknown> = {
      ...JSON.parse(del!.payload),
      stillListed: { until: new Date(Date.now() - 1000).toISOString() },
    };
    await getDb().switchOperation.update({
      where: { id: del!.id },
      data: { payload: JSON.stringify(passed) },
    });
    const [later] = await allowancesForBlockPage(member.id, account.id);
    expect(later).toMatchObject({ status: 'ended', stillOnSwitch: null });
    expect(line(later!, 'en')).toBe(ENDED.en + NEW_BLOCK.en);
    expect((await staffWords(agent, account.id, 'en')).status).toBe('Ended');
  });

  it('refused, and the switch still lists a grant Tollgate gave up: not "not in force" on either page', async () => {
    const made = await makeBlockedOnSwitch(sim);
    const { account, member } = made;
    const n = account.number;
    const agent = await makeStaff();
    // The PUT reaches the switch, whose answer comes too late; then the switch answers 501 for an hour.
    await fault(n, { applyLateMs: 1500, applyLateNext: 1, pathContains: 'destination-allowances' });
    expect(
      await grantAllowance(
        agent,
        { accountNumber: n, country: 'SO', hours: 4, reason: 'Supplier call.' },
        meta,
      ),
    ).toMatchObject({ ok: true });
    const impatient = createSwitchClient({
      baseUrl: sim.url,
      token: TOKEN,
      timeoutMs: 300,
      retries: 0,
      log: () => {},
    });
    await outbox(impatient);
    await fault(n, { failNext: 1000, failStatus: 501, pathContains: 'destination-allowances' });
    await getDb().switchOperation.updateMany({
      where: { accountNumber: n, status: 'pending' },
      data: { createdAt: new Date(Date.now() - ALLOWANCE_GIVE_UP_MS - 60_000), nextAttemptAt: new Date(0) },
    });
    await outbox();
    const given = await getDb().destinationAllowance.findFirstOrThrow({ where: { accountId: account.id } });
    expect(given).toMatchObject({ status: 'refused', endReason: 'gave_up' });
    // Its DELETE: the switch refuses it for good, and still lists the grant.
    await sim.control('DELETE', `/_sim/faults/${n}`);
    await refuseDeletes(n);
    await dueNow(n);
    await outbox();
    expect((await deleteOps(n)).map((o) => o.status)).toEqual(['failed']);
    const [shown] = await allowancesForBlockPage(member.id, account.id);
    expect(shown).toMatchObject({
      status: 'gaveUp',
      endingSince: null,
      stillOnSwitch: { until: expect.any(Date) },
    });
    expect(line(shown!, 'en')).toBe(
      'SO: our phone system did not confirm the allowance within an hour, so we stopped asking for it; but it then refused to remove it, so while international calling is blocked, calls to this country may still go through until UNTIL. Support has been told and is having it removed.',
    );
    expect(line(shown!, 'es')).toBe(
      'SO: nuestra central no confirmó el permiso en una hora, así que dejamos de solicitarlo; pero después se negó a retirarlo, así que, mientras las llamadas internacionales estén bloqueadas, las llamadas a este país pueden seguir pasando hasta el UNTIL. Soporte ya está avisado y está gestionando su retirada.',
    );
    expect(await staffWords(agent, account.id, 'en')).toMatchObject({
      status:
        'Not confirmed by the switch within an hour: given up; the switch refused to remove it and may still have it',
      facts: expect.stringMatching(
        / · Ended in Tollgate THEN \(given up by Tollgate: the switch gave no answer within an hour\)$/,
      ),
    });
    expect((await staffWords(agent, account.id, 'es')).status).toBe(
      'No confirmado por el switch en una hora: abandonado; el switch se negó a retirarlo y puede que aún lo tenga',
    );
    expect((await syncIssues(account.id)).map((i) => i.action).sort()).toEqual([
      'allowance_end_refused',
      'allowance_gave_up',
    ]);
  });

  it('refused, and the switch lists it until a time already past on Tollgate’s clock: reads ended', async () => {
    const { account, member, agent, allowanceId } = await endedByTollgate();
    await refuseDeletes(account.number);
    const past = new Date(Date.now() - 60_000).toISOString();
    // A switch whose clock runs behind the portal's still lists it, until a minute ago by Tollgate's clock.
    const behind = withGet(async (n, opts) => {
      const res = await client().getAccount(n, opts);
      return res.ok
        ? { ok: true, value: { ...res.value, allowances: [{ country: 'SO', until: past }] } }
        : res;
    });
    await outbox(behind);
    expect(JSON.parse((await deleteOps(account.number))[0]!.payload)).toMatchObject({
      stillListed: { until: past },
    });
    expect(await endRefusedAudits(allowanceId)).toEqual([expect.objectContaining({ listedUntil: past })]);
    const [shown] = await allowancesForBlockPage(member.id, account.id);
    expect(shown).toMatchObject({ status: 'ended', stillOnSwitch: null });
    expect(line(shown!, 'en')).toBe(ENDED.en + NEW_BLOCK.en);
    expect((await staffWords(agent, account.id, 'en')).status).toBe('Ended');
  });

  it('refused, and the switch’s GET cannot tell (no `allowances`): it may still have it until it drops it', async () => {
    const { account, member, agent, allowanceId } = await endedByTollgate();
    await refuseDeletes(account.number);
    const silent = withGet(async (n, opts) => {
      const res = await client().getAccount(n, opts);
      return res.ok ? { ok: true, value: { ...res.value, allowances: undefined } } : res;
    });
    await outbox(silent);
    expect((await deleteOps(account.number))[0]).toMatchObject({ status: 'failed' });
    expect(await endRefusedAudits(allowanceId)).toEqual([expect.objectContaining({ listedUntil: null })]);
    const [shown] = await allowancesForBlockPage(member.id, account.id);
    expect(shown).toMatchObject({ status: 'ended', stillOnSwitch: { until: null } });
    expect(line(shown!, 'en')).toBe(
      'SO: we ended this allowance, but our phone system refused to remove it, so while international calling is blocked, calls to this country may still go through until our phone system drops it. Support has been told and is having it removed.',
    );
    expect(line(shown!, 'es')).toMatch(/pueden seguir pasando hasta que nuestra central lo elimine\./);
    expect((await staffWords(agent, account.id, 'en')).refusal).toMatch(
      /and did not say whether it still has it: it may let calls to Somalia through under a block until it drops it\./,
    );
    const [issue] = await syncIssues(account.id);
    expect(issue).toMatchObject({ action: 'allowance_end_refused', switchState: 'blocked' });
    expect(issue!.detail).toContain('history.syncAllowanceEndRefusedUnknown');
  });

  it('refused while the switch’s GET fails: nothing recorded, the DELETE waits to be sent again', async () => {
    const { account, member, allowanceId } = await endedByTollgate();
    await refuseDeletes(account.number);
    await fault(account.number, { failNext: 1000, failStatus: 503, method: 'GET' });
    expect(await outbox()).toBe(0);
    const [del] = await deleteOps(account.number);
    expect(del).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/503/) });
    expect(JSON.parse(del!.payload).stillListed).toBeUndefined();
    expect(await endRefusedAudits(allowanceId)).toEqual([]);
    expect(await syncIssues(account.id)).toEqual([]);
    const [waiting] = await allowancesForBlockPage(member.id, account.id);
    expect(waiting).toMatchObject({ status: 'ended', endingSince: expect.any(Date), stillOnSwitch: null });

    // The GET answers again: the DELETE is sent again (refused again), and now the refusal is recorded.
    await sim.control('DELETE', `/_sim/faults/${encodeURIComponent(account.number)}`);
    await dueNow(account.number);
    await outbox();
    expect((await deleteOps(account.number))[0]).toMatchObject({ status: 'failed', attempts: 2 });
    expect(await endRefusedAudits(allowanceId)).toHaveLength(1);
    expect(await syncIssues(account.id)).toHaveLength(1);
  });

  it('"End now" refused while the switch lists it: still in force, the refusal said, "End now" offered again', async () => {
    const { account, member, agent, allowanceId } = await inForce();
    await refuseDeletes(account.number);
    expect(await endAllowanceEarly(agent, { allowanceId }, meta)).toMatchObject({ ok: true });
    expect(await outbox()).toBe(0);
    expect((await allowanceRow(allowanceId)).status).toBe('active');
    const [shown] = await allowancesForBlockPage(member.id, account.id);
    expect(shown).toMatchObject({ status: 'active', endingSince: null, stillOnSwitch: null });
    expect(line(shown!, 'en')).toBe('SO: calls allowed until UNTIL.');
    const [staffView] = await allowancesForStaff(agent, account.id);
    // No DELETE waits: the page offers "End now" again (EndAllowanceForm is closed only while one does).
    expect(staffView).toMatchObject({
      status: 'active',
      endingSince: null,
      endRefused: { at: expect.any(Date), error: expect.stringMatching(/422/) },
    });
    expect(await staffWords(agent, account.id, 'en')).toEqual({
      status: 'In force on the switch',
      facts: expect.not.stringMatching(/Ended/),
      refusal: expect.stringMatching(
        /^The switch refused to end it on THEN \(it answered “simulated_failure”: .+\), so nothing changed: it stays in force\. “End now” asks the switch again\.$/,
      ),
    });
    expect((await staffWords(agent, account.id, 'es')).refusal).toMatch(
      /^El switch se negó a finalizarlo el THEN \(.+\), así que no ha cambiado nada: sigue vigente\. «Finalizar ahora» vuelve a pedírselo al switch\.$/,
    );
    expect(await syncIssues(account.id)).toMatchObject([{ action: 'allowance_end_refused' }]);
    expect(await endRefusedAudits(allowanceId)).toEqual([
      expect.objectContaining({ listedUntil: expect.any(String) }),
    ]);

    // "End now" again: the switch answers this time, and it ends.
    await sim.control('DELETE', '/_sim/faults');
    expect(await endAllowanceEarly(agent, { allowanceId }, meta)).toMatchObject({ ok: true });
    const [ending] = await allowancesForStaff(agent, account.id);
    expect(ending).toMatchObject({ endingSince: expect.any(Date), endRefused: null });
    expect(await outbox()).toBe(1);
    expect(await allowanceRow(allowanceId)).toMatchObject({ status: 'ended', endReason: 'ended_by_staff' });
    expect(await staffWords(agent, account.id, 'en')).toMatchObject({ status: 'Ended', refusal: '' });
  });

  it('retention keeps a refusal the pages read as "may still have it", and never revives one a confirmed end followed', async () => {
    const silent = withGet(async (n, opts) => {
      const res = await client().getAccount(n, opts);
      return res.ok ? { ok: true, value: { ...res.value, allowances: undefined } } : res;
    });
    // Every finished change is past RETENTION_DAYS for this pass.
    const later = new Date(Date.now() + 24 * 3600_000);
    const retention = () => deleteFinishedSwitchOperations(later, later, 10_000);

    // One Tollgate ended, whose removal the switch refused without saying whether it still has it.
    const ended = await endedByTollgate();
    await refuseDeletes(ended.account.number);
    await outbox(silent);
    expect((await deleteOps(ended.account.number)).map((o) => o.status)).toEqual(['failed']);

    // "End now" refused the same way, then asked again and confirmed: it ended after the refusal.
    const ending = await inForce();
    await refuseDeletes(ending.account.number);
    expect(await endAllowanceEarly(ending.agent, { allowanceId: ending.allowanceId }, meta)).toMatchObject({
      ok: true,
    });
    await outbox(silent);
    await sim.control('DELETE', '/_sim/faults');
    expect(await endAllowanceEarly(ending.agent, { allowanceId: ending.allowanceId }, meta)).toMatchObject({
      ok: true,
    });
    expect(await outbox()).toBe(1);
    // The confirmed end settles the refusal before it too (supersededBy): it no longer stands.
    expect((await deleteOps(ending.account.number)).map((o) => o.status)).toEqual(['done', 'done']);

    await retention();
    // The refusal the page reads stays, so it does not turn into "Ended" once retention passes…
    expect((await deleteOps(ended.account.number)).map((o) => o.status)).toEqual(['failed']);
    const [still] = await allowancesForBlockPage(ended.member.id, ended.account.id);
    expect(still).toMatchObject({ status: 'ended', stillOnSwitch: { until: null } });
    expect(line(still!, 'en')).toMatch(/our phone system refused to remove it/);
    // …and the confirmed end is deleted with the refusal it settled: nothing is revived.
    expect((await deleteOps(ending.account.number)).map((o) => o.status)).toEqual([]);
    const [over] = await allowancesForBlockPage(ending.member.id, ending.account.id);
    expect(over).toMatchObject({ status: 'ended', stillOnSwitch: null, endingSince: null });
    expect(line(over!, 'en')).toBe(ENDED.en + BY_STAFF.en);
    const [staffView] = await allowancesForStaff(ending.agent, ending.account.id);
    expect(staffView).toMatchObject({ status: 'ended', stillOnSwitch: null, endRefused: null });
    expect(await staffWords(ending.agent, ending.account.id, 'en')).toMatchObject({
      status: 'Ended',
      refusal: '',
    });
  });

  it('refused, the GET could not tell, and the switch’s engineers remove it later: the allowance watch makes the end true', async () => {
    const { account, member, agent, allowanceId } = await endedByTollgate();
    await refuseDeletes(account.number);
    const silent = withGet(async (n, opts) => {
      const res = await client().getAccount(n, opts);
      return res.ok ? { ok: true, value: { ...res.value, allowances: undefined } } : res;
    });
    await outbox(silent);
    const [del] = await deleteOps(account.number);
    expect(del).toMatchObject({ status: 'failed' });
    expect(JSON.parse(del!.payload)).toMatchObject({ stillListed: { until: null } });
    const [issue] = await syncIssues(account.id);
    expect(issue).toMatchObject({ action: 'allowance_end_refused', resolvedAt: null });

    // The watch reads the account while the switch still lists it: nothing changes.
    await watchAllowances({ client: client() });
    expect((await deleteOps(account.number))[0]).toMatchObject({ status: 'failed' });
    const [still] = await allowancesForBlockPage(member.id, account.id);
    expect(still).toMatchObject({ status: 'ended', stillOnSwitch: { until: null } });

    // The switch's engineers remove it there (their own DELETE, the refusals over).
    await sim.control(
      'DELETE',
      `/_sim/faults/${encodeURIComponent(`${account.number}/destination-allowances`)}`,
    );
    const removed = await fetch(`${sim.url}/v1/accounts/${account.number}/destination-allowances/SO`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}`, 'idempotency-key': crypto.randomUUID() },
    });
    expect(removed.status).toBe(204);
    expect(await simAllowances(account.number)).toEqual([]);

    // The next read of the watch (a process that read it just now waits WATCH_EVERY_MS: a later clock).
    const later = new Date(Date.now() + 60_000);
    await watchAllowances({ client: client(), now: () => later });
    expect((await deleteOps(account.number))[0]).toMatchObject({ status: 'done', lastError: del!.lastError });
    // "Ended on" is when the switch was found without it, not the end it refused earlier.
    expect((await allowanceRow(allowanceId)).endedAt).toEqual(later);
    const [shown] = await allowancesForBlockPage(member.id, account.id);
    expect(shown).toMatchObject({ status: 'ended', stillOnSwitch: null });
    expect(line(shown!, 'en')).toBe(ENDED.en + NEW_BLOCK.en);
    expect(line(shown!, 'es')).toBe(ENDED.es + NEW_BLOCK.es);
    expect(await staffWords(agent, account.id, 'en')).toMatchObject({ status: 'Ended', refusal: '' });
    // Audited once; the "Out of sync" entry resolved by Tollgate, with the read in its note.
    const confirmed = await getDb().auditLog.findMany({
      where: { targetId: allowanceId, action: 'allowance.end_confirmed' },
    });
    expect(confirmed.map((r) => JSON.parse(r.detail!))).toEqual([{ country: 'SO', onSwitch: 'not_listed' }]);
    expect(await syncIssues(account.id)).toMatchObject([
      {
        id: issue!.id,
        resolvedAt: later,
        resolvedById: null,
        resolvedNote: expect.stringMatching(
          /^Resolved by Tollgate: the switch no longer lists the allowance/,
        ),
      },
    ]);
    // Another pass changes nothing more.
    await watchAllowances({ client: client(), now: () => new Date(later.getTime() + 60_000) });
    expect(
      await getDb().auditLog.count({ where: { targetId: allowanceId, action: 'allowance.end_confirmed' } }),
    ).toBe(1);
  });

  it('refused and maybe still on the switch: a new block asks the switch again to remove it', async () => {
    const { account, member, allowanceId } = await endedByTollgate();
    await refuseDeletes(account.number);
    const silent = withGet(async (n, opts) => {
      const res = await client().getAccount(n, opts);
      return res.ok ? { ok: true, value: { ...res.value, allowances: undefined } } : res;
    });
    await outbox(silent);
    expect((await deleteOps(account.number)).map((o) => o.status)).toEqual(['failed']);

    // The switch takes DELETEs again; a new fraud block arrives: a DELETE of the old exception is queued.
    await sim.control(
      'DELETE',
      `/_sim/faults/${encodeURIComponent(`${account.number}/destination-allowances`)}`,
    );
    expect((await deliver(placedEvent(account.number, { to: '+252611234568' }))).status).toBe(200);
    const ops = await deleteOps(account.number);
    expect(ops.map((o) => o.status)).toEqual(['failed', 'pending']);
    expect(JSON.parse(ops[1]!.payload)).toMatchObject({ allowanceId, country: 'SO', cause: 'new_block' });
    // A second event of the same kind queues no second one.
    expect((await deliver(placedEvent(account.number, { to: '+252611234569' }))).status).toBe(200);
    expect((await deleteOps(account.number)).map((o) => o.status)).toEqual(['failed', 'pending']);

    await dueNow(account.number);
    await outbox();
    // Confirmed: the refusal it followed is settled with it.
    expect((await deleteOps(account.number)).map((o) => o.status)).toEqual(['done', 'done']);
    expect(await simAllowances(account.number)).toEqual([]);
    const [shown] = await allowancesForBlockPage(member.id, account.id);
    expect(shown).toMatchObject({ status: 'ended', stillOnSwitch: null, endingSince: null });
    expect(line(shown!, 'en')).toBe(ENDED.en + NEW_BLOCK.en);
  });

  it('refused again under a new block: only the newest refusal stands, and support is told once', async () => {
    const { account, allowanceId } = await endedByTollgate();
    await refuseDeletes(account.number);
    const silent = withGet(async (n, opts) => {
      const res = await client().getAccount(n, opts);
      return res.ok ? { ok: true, value: { ...res.value, allowances: undefined } } : res;
    });
    await outbox(silent);
    const [first] = await deleteOps(account.number);
    // Two more fraud blocks, each DELETE refused again by a switch that still cannot tell.
    for (const to of ['+252611234568', '+252611234569']) {
      expect((await deliver(placedEvent(account.number, { to }))).status).toBe(200);
      await dueNow(account.number);
      await outbox(silent);
    }
    const ops = await deleteOps(account.number);
    expect(ops.map((o) => o.status)).toEqual(['done', 'done', 'failed']);
    expect(JSON.parse(ops[0]!.payload)).toMatchObject({ allowanceId, supersededBy: ops[1]!.id });
    expect(JSON.parse(ops[1]!.payload)).toMatchObject({ allowanceId, supersededBy: ops[2]!.id });
    expect(ops[0]!.id).toBe(first!.id);
    // Audited each time, listed once.
    expect(await endRefusedAudits(allowanceId)).toHaveLength(3);
    expect((await syncIssues(account.id)).filter((i) => i.action === 'allowance_end_refused')).toHaveLength(
      1,
    );
  });

  it('a confirmed DELETE after a refusal settles the refusal too; a switch without the account settles one', async () => {
    const { account, allowanceId } = await endedByTollgate();
    await refuseDeletes(account.number);
    const silent = withGet(async (n, opts) => {
      const res = await client().getAccount(n, opts);
      return res.ok ? { ok: true, value: { ...res.value, allowances: undefined } } : res;
    });
    await outbox(silent);
    // The switch takes the next block's DELETE: the earlier refusal is no longer standing.
    await sim.control(
      'DELETE',
      `/_sim/faults/${encodeURIComponent(`${account.number}/destination-allowances`)}`,
    );
    expect((await deliver(placedEvent(account.number, { to: '+252611234568' }))).status).toBe(200);
    await dueNow(account.number);
    await outbox();
    const ops = await deleteOps(account.number);
    expect(ops.map((o) => o.status)).toEqual(['done', 'done']);
    expect(JSON.parse(ops[0]!.payload)).toMatchObject({ supersededBy: ops[1]!.id });
    expect((await standingRefusedEnds(new Date(), { accountNumber: account.number })).length).toBe(0);

    // Another account: refused with no end, then the switch answers 404 for it: settled by the watch.
    const other = await endedByTollgate();
    await refuseDeletes(other.account.number);
    await outbox(silent);
    const gone = withGet(async () => ({
      ok: false,
      kind: 'not_found',
      status: 404,
      code: 'account_not_found',
      message: 'HTTP 404 account_not_found: no such account',
    }));
    await watchAllowances({ client: gone, now: () => new Date(Date.now() + 120_000) });
    expect((await deleteOps(other.account.number)).map((o) => o.status)).toEqual(['done']);
    expect(
      await getDb().auditLog.count({
        where: { targetId: other.allowanceId, action: 'allowance.end_confirmed' },
      }),
    ).toBe(1);
    expect(allowanceId).not.toBe(other.allowanceId);
  });

  it('the standing refusals are read once per WATCH_EVERY_MS, and at once after this process records one', async () => {
    // A pass reads every failed change the outbox keeps to find them: not on every 3-second pass.
    const t0 = Date.now() + 30 * 60_000;
    const at = (ms: number) => () => new Date(t0 + ms);
    await watchAllowances({ client: client(), now: at(0) });
    const { account } = await endedByTollgate();
    await refuseDeletes(account.number);
    const silent = withGet(async (n, opts) => {
      const res = await client().getAccount(n, opts);
      return res.ok ? { ok: true, value: { ...res.value, allowances: undefined } } : res;
    });
    await outbox(silent);
    // As if another instance had recorded it: this process's count of recorded refusals did not move.
    (globalThis as { __tollgateRefusedEnds?: { recorded: number } }).__tollgateRefusedEnds!.recorded--;
    // The switch's engineers remove it there.
    await sim.control(
      'DELETE',
      `/_sim/faults/${encodeURIComponent(`${account.number}/destination-allowances`)}`,
    );
    await fetch(`${sim.url}/v1/accounts/${account.number}/destination-allowances/SO`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}`, 'idempotency-key': crypto.randomUUID() },
    });
    await watchAllowances({ client: client(), now: at(3_000) });
    expect((await deleteOps(account.number)).map((o) => o.status)).toEqual(['failed']);
    await watchAllowances({ client: client(), now: at(WATCH_EVERY_MS) });
    expect((await deleteOps(account.number)).map((o) => o.status)).toEqual(['done']);

    // One this process records is read by the next pass, whenever the last read was.
    const next = await endedByTollgate();
    await refuseDeletes(next.account.number);
    await outbox(silent);
    await sim.control(
      'DELETE',
      `/_sim/faults/${encodeURIComponent(`${next.account.number}/destination-allowances`)}`,
    );
    await fetch(`${sim.url}/v1/accounts/${next.account.number}/destination-allowances/SO`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}`, 'idempotency-key': crypto.randomUUID() },
    });
    await watchAllowances({ client: client(), now: at(WATCH_EVERY_MS + 3_000) });
    expect((await deleteOps(next.account.number)).map((o) => o.status)).toEqual(['done']);
  });

  it('a 404 from a switch that answers no account read (a wrong SWITCH_API_URL) never reads "Ended"', async () => {
    // Every call answers 404, the DELETE and the GET alike, as a wrong path does.
    const nowhere = (): SwitchClient => {
      const notFound = async () =>
        ({ ok: false, kind: 'not_found', status: 404, message: 'HTTP 404: no such route' }) as const;
      return { ...client(), getAccount: notFound, deleteDestinationAllowance: notFound };
    };
    const { account, member, allowanceId } = await endedByTollgate();
    forgetAccountAnswers();
    await outbox(nowhere());
    // Not "confirmed": the refusal stands, the switch could not tell, support is told.
    const [op] = await deleteOps(account.number);
    expect(op!.status).toBe('failed');
    expect(JSON.parse(op!.payload)).toMatchObject({ stillListed: { until: null } });
    expect(await endRefusedAudits(allowanceId)).toMatchObject([{ listedUntil: null }]);
    expect((await syncIssues(account.id)).map((i) => i.action)).toEqual(['allowance_end_refused']);
    const [shown] = await allowancesForBlockPage(member.id, account.id);
    expect(shown).toMatchObject({ status: 'ended', stillOnSwitch: { until: null } });
    // The allowance watch's 404s are not trusted either...
    await watchAllowances({ client: nowhere(), now: () => new Date(Date.now() + 180_000) });
    expect((await deleteOps(account.number)).map((o) => o.status)).toEqual(['failed']);
    // ...until the switch answers an account read (the URL was mended): then its 404 is "no such account".
    expect(await client().getAccount(account.number)).toMatchObject({ ok: true });
    await watchAllowances({ client: nowhere(), now: () => new Date(Date.now() + 240_000) });
    expect((await deleteOps(account.number)).map((o) => o.status)).toEqual(['done']);
    expect(
      await getDb().auditLog.count({ where: { targetId: allowanceId, action: 'allowance.end_confirmed' } }),
    ).toBe(1);
  });
});
