import Database from 'better-sqlite3';
import { NextIntlClientProvider } from 'next-intl';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CredentialList } from '@/components/block/credential-list';
import { StaffDeviceList } from '@/components/staff/account-devices';
import { getBlockForUser } from '@/lib/blocks/queries';
import { busyUntilOf } from '@/lib/credentials/change-state';
import { resetSipPassword } from '@/lib/credentials/reset';
import { devicesForStaff, type StaffDevices } from '@/lib/devices/registrations';
import { CATALOGUES } from '@/lib/i18n/translate';
import { generatePassword } from '@/lib/passwords/generate';
import { getDb } from '@/lib/server/db';
import { endSwitchQuiet } from '@/lib/switch/quiet';
import { formatWhen } from '@/lib/time/format';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';
import { text } from '@/tests/helpers/intl-markup';
import { said } from '@/tests/helpers/outcome';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// One story of a SIP password change whose answer is not known, on every page (testers R and S,
// 2026-12-08). The staff account page's "Registered devices" said "no answer from our phone system"
// whatever the switch had answered (busy with Retry-After, a 500), and the customer's block page said
// only "Password not changed yet", while the dashboard and the reset page said the switch was busy
// until 10:42:06 and that this may not be the password in force. Now both say what the dashboard says
// (the staff page in staff's words), read from the same row (lib/accounts/unsettled.ts), and once the
// busy time has come, what a change answered with an error reads. A real 429 from the simulator, both
// databases; the block page's read asks the database no more than before.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const meta = { ip: '192.0.2.65', userAgent: 'vitest' };
/** What a 500 from the switch leaves on a change (lib/switch/error-text.ts storedSwitchError). */
const ERROR_500 = 'simulated_failure: HTTP 500 simulated failure';

/** The words of `node` rendered in `locale` at `now` (times in UTC), as a page's request renders them. */
const words = (node: ReactNode, locale: 'en' | 'es', now: Date) =>
  text(
    renderToStaticMarkup(
      h(NextIntlClientProvider, {
        locale,
        messages: CATALOGUES[locale],
        timeZone: 'UTC',
        now,
        children: node,
      }),
    ),
  ).trim();

/**
 * A blocked account whose calls used its four credentials: `busy`, changed by its member and answered
 * 429 with Retry-After: 40 by the simulator; `erred`, a change the switch answered 500; `silent`, a
 * change that got no answer; `settled`, never changed.
 */
async function seeded() {
  const made = await makeAccount({
    credentials: ['a', 'b', 'c', 'd'].map((x) => `${x}-${crypto.randomUUID().slice(0, 8)}`),
  });
  const [busy, erred, silent, settled] = made.creds as [
    (typeof made.creds)[0],
    (typeof made.creds)[0],
    (typeof made.creds)[0],
    (typeof made.creds)[0],
  ];
  const member = made.users[0]!;
  await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
    internationalCalling: 'blocked',
    reason: 'high_risk_destination',
    credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
  });
  const block = await makeBlock(made.account.id, {
    placedAt: new Date(Date.now() - 60_000),
    calls: made.creds.map((c) => ({ sipUsername: c.username })),
  });
  await sim.control('PUT', `/_sim/faults/${busy.username}`, {
    failNext: 3,
    failStatus: 429,
    retryAfter: '40',
  });
  const r = await resetSipPassword(asUser(member), busy.id, generatePassword(24), meta);
  await sim.control('DELETE', `/_sim/faults/${busy.username}`);
  expect(said(r)).toBe('outcome.reset.switchBusyUnknown');
  const change = await getDb().sipPasswordChange.findFirstOrThrow({ where: { credentialId: busy.id } });
  const until = busyUntilOf(change)!;
  expect(until).toBeInstanceOf(Date);
  const db = getDb();
  for (const [c, error] of [
    [erred, ERROR_500],
    [silent, null],
  ] as const)
    await db.sipPasswordChange.create({
      data: { credentialId: c.id, userId: member.id, score: 4, status: 'unknown', error },
    });
  // The portal's own quiet after the 429 would pause the devices' reads: not what this test is about.
  endSwitchQuiet();
  return { ...made, member, block, busy, erred, silent, settled, until };
}

describe.each(dialects())('a change whose answer is not known, on every page, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));
  beforeEach(() => endSwitchQuiet());

  it('the staff account page says busy until when, then what an error says; an error and no answer each their own', async () => {
    const s = await seeded();
    const agent = await makeStaff();
    const devices = (await devicesForStaff(agent, s.account.id))!;
    const of = (id: string) => devices.credentials.find((c) => c.id === id)!;
    expect(of(s.busy.id)).toMatchObject({
      unsettled: true,
      unsettledCause: 'error_answer',
      unsettledBusyUntil: s.until,
    });
    expect(of(s.erred.id)).toMatchObject({ unsettled: true, unsettledCause: 'error_answer' });
    expect(of(s.erred.id).unsettledBusyUntil).toBeUndefined();
    expect(of(s.silent.id)).toMatchObject({ unsettled: true, unsettledCause: 'no_answer' });
    expect(of(s.settled.id)).toMatchObject({ unsettled: false, unsettledCause: null });

    const part = (id: string, locale: 'en' | 'es', now: Date) =>
      words(
        h(StaffDeviceList, {
          devices: { accountCountry: devices.accountCountry, credentials: [of(id)] } satisfies StaffDevices,
        }),
        locale,
        now,
      );
    const before = new Date(s.until.getTime() - 1000);
    for (const locale of ['en', 'es'] as const) {
      const staff = CATALOGUES[locale].staff.devices;
      const shown = formatWhen(s.until, 'UTC', { seconds: true, locale });
      expect(part(s.busy.id, locale, before)).toContain(staff.unsettledBusy.replace('{until}', shown));
      for (const now of [s.until, new Date(s.until.getTime() + 60_000)]) {
        const over = part(s.busy.id, locale, now);
        expect(over).toContain(staff.unsettledError);
        expect(over).not.toContain(shown);
      }
      expect(part(s.erred.id, locale, before)).toContain(staff.unsettledError);
      expect(part(s.silent.id, locale, before)).toContain(staff.unsettled);
      // Staff's words, never the customer's "our phone system".
      for (const id of [s.busy.id, s.erred.id, s.silent.id])
        expect(part(id, locale, before)).not.toContain(CATALOGUES[locale].dashboard.unsettled);
      expect(part(s.settled.id, locale, before)).not.toMatch(/switch (gave|answered|was busy)|El switch/);
    }
  });

  it('the block page’s credential list says what the dashboard says, before the busy time and after it', async () => {
    const s = await seeded();
    const view = (await getBlockForUser(s.member.id, s.block.id))!;
    const of = (id: string) => view.credentials.find((c) => c.id === id)!;
    expect(of(s.busy.id)).toMatchObject({ unsettledCause: 'error_answer', unsettledBusyUntil: s.until });
    expect(of(s.erred.id)).toMatchObject({ unsettledCause: 'error_answer' });
    expect(of(s.silent.id)).toMatchObject({ unsettledCause: 'no_answer' });
    expect(of(s.settled.id)).toMatchObject({ unsettled: false, unsettledCause: null });

    const item = (id: string, locale: 'en' | 'es', now: Date) =>
      words(
        h(CredentialList, { block: { ...view, credentials: [of(id)] }, labelledBy: 'creds' }),
        locale,
        now,
      );
    const before = new Date(s.until.getTime() - 1000);
    for (const locale of ['en', 'es'] as const) {
      const dash = CATALOGUES[locale].dashboard;
      const shown = formatWhen(s.until, 'UTC', { seconds: true, locale });
      const busy = item(s.busy.id, locale, before);
      expect(busy).toContain(CATALOGUES[locale].block.notRotated);
      expect(busy).toContain(dash.unsettledBusy.replace('{until}', shown));
      const over = item(s.busy.id, locale, s.until);
      expect(over).toContain(dash.unsettledError);
      expect(over).not.toContain(shown);
      expect(item(s.erred.id, locale, before)).toContain(dash.unsettledError);
      expect(item(s.silent.id, locale, before)).toContain(dash.unsettled);
      const settled = item(s.settled.id, locale, before);
      for (const line of [dash.unsettled, dash.unsettledError]) expect(settled).not.toContain(line);
    }
  });
});

describe('the block page reads the changes in the statements it always ran, on SQLite', () => {
  beforeAll(() => useFreshDb('sqlite'));

  it('five statements, with four credentials and their changes', async () => {
    const s = await seeded();
    await getBlockForUser(s.member.id, s.block.id); // statements prepared, caches warm
    // Each read the adapter sends is one `statement.raw(true).all(values)` (as
    // tests/integration/shared-account-block-page.test.ts counts them; the spy is restored after the test).
    const proto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as {
      all: (...args: unknown[]) => unknown;
    };
    const runs = vi.spyOn(proto, 'all');
    const view = await getBlockForUser(s.member.id, s.block.id);
    expect(view!.credentials.filter((c) => c.unsettled)).toHaveLength(3);
    expect(runs.mock.calls.length).toBe(5);
  });
});
