import { NextIntlClientProvider } from 'next-intl';
import { createElement as h, isValidElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RegisteredDeviceList } from '@/components/devices/registered-devices';
import { RenderAgainWhenBusyEnds } from '@/components/sip/busy-ends';
import { DevicesBeforeReset } from '@/components/sip/devices-before';
import { RenderAgainIn } from '@/components/sip/render-again';
import { UnsettledNotice } from '@/components/sip/unsettled';
import { busyStill, busyUntilOf } from '@/lib/credentials/change-state';
import { latestChange, resetPageDevices, resetSipPassword } from '@/lib/credentials/reset';
import { devicesForStaff } from '@/lib/devices/registrations';
import { CATALOGUES } from '@/lib/i18n/translate';
import { generatePassword } from '@/lib/passwords/generate';
import { getDb } from '@/lib/server/db';
import { endSwitchQuiet, noteSwitchAnswer, switchQuietUntil } from '@/lib/switch/quiet';
import { formatWhen } from '@/lib/time/format';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, makeAccount, makeStaff } from '@/tests/helpers/factory';
import { text } from '@/tests/helpers/intl-markup';
import { said } from '@/tests/helpers/outcome';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// The SIP password reset page, after the switch answered a change 429 with Retry-After, said two
// times side by side (testers, 2026-12-08): "Try again from 12:45:14" for the password (the change's
// Retry-After) and "read again from 12:45:06" for the devices (this instance's quiet after the
// registrar had asked it to pause, as the page was first rendered). It now names one wait, where it
// says what the customer can do; its devices lines say they are read again once that wait is over,
// with no time of their own, and a later pause (another answer stretched it) keeps its own, later
// time. The staff account page, like the dashboard, renders once more when its earliest "busy until"
// has come. Real 429s from the switch simulator, both databases, English and Spanish.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const meta = { ip: '192.0.2.66', userAgent: 'vitest' };

/** The words of `node` as a page's request at `now` renders them in `locale`, times in UTC. */
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

/** An account on the simulator, its member, one credential registered from the office. */
async function member() {
  const made = await makeAccount();
  const cred = made.creds[0]!;
  await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
    internationalCalling: 'allowed',
    credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
  });
  return { ...made, user: asUser(made.users[0]!), cred };
}

/** The change of `cred` answered 429 with Retry-After: 40 by the simulator; its busy time. */
async function busyChange(user: ReturnType<typeof asUser>, credId: string, username: string) {
  await sim.control('PUT', `/_sim/faults/${username}`, { failNext: 3, failStatus: 429, retryAfter: '40' });
  const r = await resetSipPassword(user, credId, generatePassword(24), meta);
  await sim.control('DELETE', `/_sim/faults/${username}`);
  expect(said(r)).toBe('outcome.reset.switchBusyUnknown');
  const change = await getDb().sipPasswordChange.findFirstOrThrow({ where: { credentialId: credId } });
  return busyUntilOf(change)!;
}

/**
 * The reset page's words about the change and the devices, as its render at `now` says them: the
 * notice, the line above "Set password" and "Registered devices" (app/credentials/[id]/reset/page.tsx).
 */
async function resetPage(userId: string, credId: string, locale: 'en' | 'es', now: Date) {
  const latest = latestChange(credId);
  const devices = resetPageDevices(userId, credId, latest, now);
  const { unsettled } = await latest;
  const busy = unsettled?.kind === 'unknown' ? busyStill(unsettled.busyUntil, now) : undefined;
  const before = await DevicesBeforeReset({ load: devices, busyUntil: busy });
  const loaded = (await devices)!;
  return {
    notice: unsettled ? words(h(UnsettledNotice, { unsettled }), locale, now) : '',
    before: words(before, locale, now),
    registered: words(h(RegisteredDeviceList, { devices: loaded, pausedWith: busy }), locale, now),
    paused: loaded.credentials[0]!.notRead,
  };
}

describe.each(dialects())('one wait on the reset page, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));
  beforeEach(() => endSwitchQuiet());

  it.each(['en', 'es'] as const)(
    'the change’s wait is named once; the devices are read again with it (%s)',
    async (locale) => {
      const { user, cred } = await member();
      // The registrar asked this instance to pause for 32 s, as the page was first rendered.
      noteSwitchAnswer(429, 32_000);
      const quiet = switchQuietUntil()!;
      const first = await resetPage(user.id, cred.id, locale, new Date());
      expect(first.paused).toEqual({ reason: 'paused', until: quiet });

      // Then the customer's change: answered 429, Retry-After: 40 (later than the pause).
      const until = await busyChange(user, cred.id, cred.username);
      expect(until.getTime()).toBeGreaterThan(quiet.getTime() + 5000);
      const now = new Date();
      const page = await resetPage(user.id, cred.id, locale, now);
      const shown = (at: Date) => formatWhen(at, 'UTC', { seconds: true, locale }).replace(/ UTC$/, '');
      const all = `${page.notice} ${page.before} ${page.registered}`;
      // The password's wait, said once, in the notice: what the customer can do.
      expect(page.notice).toContain(shown(until));
      expect(all.split(shown(until)).length - 1).toBe(1);
      // The devices: no second time, neither the first render's pause nor the wait again.
      expect(all).not.toContain(shown(quiet));
      const cat = CATALOGUES[locale];
      expect(page.before).toBe(cat.reset.devices.pausedWithWait);
      expect(page.registered).toContain(cat.devices.pausedWithWait);
      // Not the pause's sentence with its own time ("They will be read again from …").
      expect(page.registered).not.toContain(cat.devices.paused.split('<from>')[0]!.trim());
    },
  );

  it('a later pause keeps its own, later time; a wait that has come is not named', async () => {
    const { user, cred } = await member();
    const until = await busyChange(user, cred.id, cred.username);
    // Another answer stretched this instance's quiet two minutes past the change's wait.
    noteSwitchAnswer(429, 160_000);
    const quiet = switchQuietUntil()!;
    const page = await resetPage(user.id, cred.id, 'en', new Date());
    const shown = (at: Date) => formatWhen(at, 'UTC', { seconds: true, locale: 'en' }).replace(/ UTC$/, '');
    expect(page.notice).toContain(shown(until));
    expect(page.before).toContain(`we will ask again from ${shown(quiet)}`);
    expect(page.registered).toContain(shown(quiet));
    expect(`${page.before} ${page.registered}`).not.toContain(CATALOGUES.en.devices.pausedWithWait);

    // At the wait's time the notice says "now", and the devices their pause's own time.
    const at = await resetPage(user.id, cred.id, 'en', until);
    expect(at.notice).not.toContain(shown(until));
    expect(at.before).toContain(`we will ask again from ${shown(quiet)}`);
  });

  it('the staff account page renders again when its earliest busy time has come, and not after', async () => {
    const { user, cred, account } = await member();
    const until = await busyChange(user, cred.id, cred.username);
    endSwitchQuiet();
    const agent = await makeStaff();
    const read = devicesForStaff(agent, account.id);
    const before = new Date(until.getTime() - 36_000);
    const again = await RenderAgainWhenBusyEnds({ load: read, now: before });
    expect(isValidElement(again)).toBe(true);
    expect(again).toMatchObject({ type: RenderAgainIn, props: { inMs: 36_000 } });
    // That second, or later: the line says what is true then; nothing to wait for.
    expect(await RenderAgainWhenBusyEnds({ load: read, now: until })).toBeNull();
    // A failed read is the devices section's to say.
    expect(
      await RenderAgainWhenBusyEnds({ load: Promise.reject(new Error('switch down')), now: before }),
    ).toBeNull();
  });
});
