import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AllowanceStatus } from '@/components/allowance/block-allowances';
import { endAllowanceEarly, grantAllowance } from '@/lib/allowances/decide';
import { allowancesForBlockPage, allowancesForStaff, type AllowanceView } from '@/lib/allowances/queries';
import type { CurrentUser } from '@/lib/auth/session';
import { CATALOGUES } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeBlockedOnSwitch, makeStaff } from '@/tests/helpers/factory';
import { deliver, placedEvent } from '@/tests/helpers/switch-events';
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

/** The block page's line for `a` as a reader of `locale` reads it (times as UNTIL and ENDED). */
function line(a: AllowanceView, locale: 'en' | 'es'): string {
  const html = renderToStaticMarkup(
    h(NextIntlClientProvider, {
      locale,
      messages: CATALOGUES[locale],
      timeZone: 'UTC',
      children: h(AllowanceStatus, { allowance: a, country: a.country, until: 'UNTIL', endedAt: 'ENDED' }),
    }),
  );
  return html.replace(/<[^>]+>/g, '');
}

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
      'SO: calls are still allowed, until UNTIL at the latest. This allowance is being ended, and the switch has not confirmed the end yet.',
    );
    expect(line(shown, 'es')).toBe(
      'SO: las llamadas siguen permitidas, como mucho hasta el UNTIL. Este permiso se está finalizando y el switch todavía no ha confirmado el final.',
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
      'SO: the allowance ended on ENDED. Calls there are blocked again.',
    );
  });

  it('an allowance a new block ended while its grant was on the wire: "ended", and its removal from the switch waits', async () => {
    const { account, member } = await makeBlockedOnSwitch(sim);
    const agent = await makeStaff();
    // The grant's PUT reaches the switch, which fails it: it may have been applied there.
    await faults(account.number, { failNext: 1, failStatus: 500, method: 'PUT' });
    expect(
      await grantAllowance(
        agent,
        { accountNumber: account.number, country: 'SO', hours: 4, reason: 'Supplier call.' },
        meta,
      ),
    ).toMatchObject({ ok: true });
    expect(await outbox()).toBe(0);
    // A new block comes into force: Tollgate ends it, and has the switch remove it in case it got there.
    await faults(account.number, { failNext: 1000, failStatus: 500, method: 'DELETE' });
    expect((await deliver(placedEvent(account.number, { to: '+252611234567' }))).status).toBe(200);
    await dueNow();
    await outbox();
    const [shown] = await allowancesForBlockPage(member.id, account.id);
    expect(shown).toMatchObject({ status: 'ended', endingSince: expect.any(Date) });
    expect(line(shown!, 'en')).toBe(
      'SO: the allowance ended on ENDED. Tollgate is having it removed from the switch too, in case it got there, and the switch has not confirmed that yet.',
    );
    expect(line(shown!, 'es')).toBe(
      'SO: el permiso terminó el ENDED. Tollgate también lo está retirando del switch, por si llegó a aplicarse allí, y el switch todavía no lo ha confirmado.',
    );
    expect((await allowancesForStaff(agent, account.id))[0]).toMatchObject({
      status: 'ended',
      endingSince: shown!.endingSince,
    });
  });
});
