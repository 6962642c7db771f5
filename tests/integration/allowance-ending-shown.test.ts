import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AllowanceStatus } from '@/components/allowance/block-allowances';
import { AllowanceFacts, staffStatusKey } from '@/components/allowance/staff-allowances';
import { endAllowanceEarly, grantAllowance } from '@/lib/allowances/decide';
import { allowancesForBlockPage, allowancesForStaff, type AllowanceView } from '@/lib/allowances/queries';
import type { CurrentUser } from '@/lib/auth/session';
import { CATALOGUES, translator } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeBlockedOnSwitch, makeStaff } from '@/tests/helpers/factory';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Found by a tester injecting switch faults (2026-12-06): support granted Somalia, the switch then
// failed every DELETE, the agent pressed "End now" and reloaded. The allowance still read "In force
// on the switch" with "End now" offered again, and the customer's block page "calls allowed until…"
// with its countdown: nothing said the end was waiting for the switch. The views now carry it.

let sim: TestSim;
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const outbox = () => processSwitchOutbox({ client: client() });
/** Every operation still pending is due now (the outbox's backoff after a failure is skipped). */
const dueNow = () =>
  getDb().switchOperation.updateMany({ where: { status: 'pending' }, data: { nextAttemptAt: new Date(0) } });
const faults = (scope: string, body: Record<string, unknown>) =>
  sim.control('PUT', `/_sim/faults/${encodeURIComponent(scope)}`, body);

/** `node` as a server component renders it for a reader of `locale`, as text. */
const text = (node: ReactNode, locale: 'en' | 'es') =>
  renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  ).replace(/<[^>]+>/g, '');
/** The block page's line for `a` as a reader of `locale` reads it (times as UNTIL and ENDED). */
const line = (a: AllowanceView, locale: 'en' | 'es') =>
  text(h(AllowanceStatus, { allowance: a, country: a.country, until: 'UNTIL', endedAt: 'ENDED' }), locale);
/** The staff account page's heading status and facts (times as THEN) of `accountId`'s newest allowance. */
async function staffWords(agent: CurrentUser, accountId: string, locale: 'en' | 'es') {
  const [a] = await allowancesForStaff(agent, accountId, locale);
  const key = staffStatusKey(a!);
  return {
    status: key ? translator(locale)(`staff.allowances.status.${key as 'active'}`) : a!.status,
    facts: text(h(AllowanceFacts, { allowance: a!, at: () => 'THEN' }), locale),
  };
}
/** The allowance operations of account `n`, oldest first, as [kind, status]. */
const ops = async (n: string) =>
  (
    await getDb().switchOperation.findMany({
      where: { accountNumber: n, kind: { in: ['allowance_put', 'allowance_delete'] } },
      orderBy: { createdAt: 'asc' },
    })
  ).map((o) => [o.kind, o.status]);
const simAllowances = async (n: string) =>
  ((await sim.control('GET', `/_sim/accounts/${n}`)).body.allowances as { country: string }[]).map(
    (a) => a.country,
  );

/** Support grants `country` for 4 h on `account` and the switch confirms it; the allowance's id. */
async function grantedInForce(agent: CurrentUser, account: { id: string; number: string }, country: string) {
  const granted = await grantAllowance(
    agent,
    { accountNumber: account.number, country, hours: 4, reason: 'Supplier call.' },
    meta,
  );
  expect(granted).toMatchObject({ ok: true });
  expect(await outbox()).toBe(1);
  const a = await getDb().destinationAllowance.findFirstOrThrow({
    where: { accountId: account.id, country },
  });
  expect(a.status).toBe('active');
  return a.id;
}

describe.each(dialects())('an allowance whose end waits for the switch, on %s', (dialect) => {
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

  it('"End now" the switch has not confirmed: both views say the end is waiting; in force until the switch confirms', async () => {
    const { account, member } = await makeBlockedOnSwitch(sim);
    const agent = await makeStaff();
    const somalia = await grantedInForce(agent, account, 'SO');
    const spain = await grantedInForce(agent, account, 'ES');
    const staffView = async (id: string) =>
      (await allowancesForStaff(agent, account.id)).find((a) => a.id === id)!;
    const pageView = async (id: string) =>
      (await allowancesForBlockPage(member.id, account.id)).find((a) => a.id === id)!;
    expect(await staffView(somalia)).toMatchObject({ status: 'active', endingSince: null });
    expect(line(await pageView(somalia), 'en')).toBe('SO: calls allowed until UNTIL.');

    // The switch fails every DELETE of this account's; the agent presses "End now".
    await faults(account.number, { failNext: 1000, failStatus: 500, method: 'DELETE' });
    const asked = new Date();
    expect(await endAllowanceEarly(agent, { allowanceId: somalia }, meta)).toMatchObject({ ok: true });
    expect(await outbox()).toBe(0);
    expect(
      await getDb().switchOperation.count({ where: { kind: 'allowance_delete', status: 'pending' } }),
    ).toBe(1);

    const seen = await staffView(somalia);
    expect(seen).toMatchObject({ status: 'active', endingSince: expect.any(Date) });
    expect(Math.abs(seen.endingSince!.getTime() - asked.getTime())).toBeLessThan(5000);
    const shown = await pageView(somalia);
    expect(shown).toMatchObject({ status: 'active', endingSince: seen.endingSince });
    expect(line(shown, 'en')).toBe(
      'SO: calls are still allowed, until UNTIL at the latest. This allowance is being ended, and our phone system has not confirmed the end yet.',
    );
    expect(line(shown, 'es')).toBe(
      'SO: las llamadas siguen permitidas, como mucho hasta el UNTIL. Este permiso se está finalizando y nuestra central todavía no ha confirmado el final.',
    );
    // The other allowance of the account has no end waiting.
    expect(await staffView(spain)).toMatchObject({ status: 'active', endingSince: null });
    expect((await pageView(spain)).endingSince).toBeNull();

    // The switch answers at last: ended, and nothing waits any more.
    await sim.control('DELETE', `/_sim/faults/${account.number}`);
    await dueNow();
    expect(await outbox()).toBe(1);
    expect(await staffView(somalia)).toMatchObject({ status: 'ended', endingSince: null });
    expect(line(await pageView(somalia), 'en')).toBe(
      'SO: the allowance ended on ENDED. Calls there are blocked again. Support ended it before its end time.',
    );
  });

  // Found by a fault tester (2026-12-06): the switch applied a Somalia grant's PUT late (Tollgate
  // timed out) and failed every DELETE; a new fraud block to Somalia then ended the grant in Tollgate.
  // The switch still listed Somalia under the new block, yet the staff heading read "Ended" (and the
  // customer's page "the allowance ended on…"); without the DELETE fault, for the minute until the
  // DELETE went out. Ended by Tollgate, its removal unconfirmed, it reads as being removed.
  it.each([
    {
      cause: 'a new block',
      status: 'ended', // calls there are blocked
      event: (n: string) => placedEvent(n, { to: '+252611234567' }),
      endReason: {
        en: 'ended by Tollgate: a new block was placed',
        es: 'finalizado por Tollgate: se impuso un nuevo bloqueo',
      },
      ended: {
        en: 'SO: the allowance ended on ENDED. Calls there are blocked again. It was ended early because a new block was placed on the account: our fraud monitoring saw suspicious calls again.',
        es: 'SO: el permiso terminó el ENDED. Las llamadas a ese país vuelven a estar bloqueadas. Se finalizó antes de tiempo porque se aplicó un nuevo bloqueo a la cuenta: nuestra vigilancia antifraude volvió a detectar llamadas sospechosas.',
      },
    },
    {
      cause: 'the lift of the last block',
      status: 'endedUnblocked', // every country can be called
      event: (n: string) => liftedEvent(n),
      endReason: {
        en: 'ended by Tollgate: the block was lifted',
        es: 'finalizado por Tollgate: se levantó el bloqueo',
      },
      ended: {
        en: 'SO: the allowance ended on ENDED. It was ended because the block it was granted under was lifted.',
        es: 'SO: el permiso terminó el ENDED. Se finalizó porque se levantó el bloqueo con el que se concedió.',
      },
    },
  ])(
    'an allowance $cause ended while its grant was on the wire reads "being removed", not "ended", until the switch confirms its DELETE',
    async ({ status, event, endReason, ended }) => {
      const { account, member } = await makeBlockedOnSwitch(sim);
      const agent = await makeStaff();
      // The switch applies the grant's PUT, but answers after Tollgate stopped waiting.
      await faults(account.number, {
        applyLateMs: 1500,
        applyLateNext: 1,
        pathContains: 'destination-allowances',
      });
      expect(
        await grantAllowance(
          agent,
          { accountNumber: account.number, country: 'SO', hours: 4, reason: 'Supplier call.' },
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
      await processSwitchOutbox({ client: impatient });
      expect(await ops(account.number)).toEqual([['allowance_put', 'pending']]);
      expect(await simAllowances(account.number)).toEqual(['SO']);
      // The switch fails every allowance DELETE; the block changes: Tollgate ends the grant.
      await faults(account.number, { failNext: 1000, failStatus: 503, method: 'DELETE' });
      expect((await deliver(event(account.number))).status).toBe(200);

      /** Both sides' words while the DELETE waits: before it is first sent, and after the switch failed it. */
      const beingRemoved = async () => {
        const [shown] = await allowancesForBlockPage(member.id, account.id);
        expect(shown).toMatchObject({ status, endingSince: expect.any(Date) });
        expect(line(shown!, 'en')).toBe(
          'SO: this allowance is ending. We are removing it from our phone system, in case it got there; it has not confirmed that yet.',
        );
        expect(line(shown!, 'es')).toBe(
          'SO: este permiso se está finalizando. Lo estamos retirando de nuestra central, por si llegó a aplicarse allí; todavía no lo ha confirmado.',
        );
        expect(await staffWords(agent, account.id, 'en')).toEqual({
          status: 'Ending: Tollgate is removing it from the switch',
          facts: expect.stringMatching(new RegExp(` · Ending since THEN \\(${endReason.en}\\)$`)),
        });
        expect(await staffWords(agent, account.id, 'es')).toEqual({
          status: 'Finalizando: Tollgate lo está retirando del switch',
          facts: expect.stringMatching(new RegExp(` · Finalizando desde el THEN \\(${endReason.es}\\)$`)),
        });
      };
      await beingRemoved(); // queued, not sent yet
      await dueNow();
      await outbox();
      expect(await ops(account.number)).toEqual([
        ['allowance_put', 'failed'], // cancelled by Tollgate
        ['allowance_delete', 'pending'], // 503: still waiting
      ]);
      expect(await simAllowances(account.number)).toEqual(['SO']);
      await beingRemoved();

      // The switch answers at last: the DELETE is confirmed, and only now it reads ended.
      await sim.control('DELETE', `/_sim/faults/${account.number}`);
      await dueNow();
      await outbox();
      expect(await ops(account.number)).toEqual([
        ['allowance_put', 'failed'],
        ['allowance_delete', 'done'],
      ]);
      expect(await simAllowances(account.number)).toEqual([]);
      const [settled] = await allowancesForBlockPage(member.id, account.id);
      expect(settled).toMatchObject({ status, endingSince: null });
      expect(line(settled!, 'en')).toBe(ended.en);
      expect(line(settled!, 'es')).toBe(ended.es);
      expect(await staffWords(agent, account.id, 'en')).toEqual({
        status: 'Ended',
        facts: expect.stringMatching(new RegExp(` · Ended THEN \\(${endReason.en}\\)$`)),
      });
      expect(await staffWords(agent, account.id, 'es')).toEqual({
        status: 'Finalizado',
        facts: expect.stringMatching(new RegExp(` · Finalizado el THEN \\(${endReason.es}\\)$`)),
      });
    },
  );
});
