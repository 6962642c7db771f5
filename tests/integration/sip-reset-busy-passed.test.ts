import { NextIntlClientProvider } from 'next-intl';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RetypeWords } from '@/components/devices/devices-to-retype';
import { UnsettledLine, UnsettledNotice } from '@/components/sip/unsettled';
import { listAccountsForUser } from '@/lib/accounts/queries';
import { busyUntilOf } from '@/lib/credentials/change-state';
import { latestChange, resetPageDevices, resetSipPassword } from '@/lib/credentials/reset';
import { formatTag } from '@/lib/i18n/locales';
import { CATALOGUES } from '@/lib/i18n/translate';
import { renderMessage } from '@/lib/mail/render';
import { generatePassword } from '@/lib/passwords/generate';
import { getDb } from '@/lib/server/db';
import { endSwitchQuiet, noteSwitchAnswer, switchQuietUntil } from '@/lib/switch/quiet';
import { formatWhen } from '@/lib/time/format';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, makeAccount } from '@/tests/helpers/factory';
import { text } from '@/tests/helpers/intl-markup';
import { said } from '@/tests/helpers/outcome';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// After a 429 with Retry-After, the dashboard, the reset page and the alert mail named the time a new
// SIP password could be set from (busyUntilOf) whenever they were read: "Set a new one from 10:42:06"
// at 11:30. Each now compares it with the time of the reading (a page's request: next-intl's useNow;
// the mail's first attempt) and, once it has come, says what is true then: the change is still not
// known to be in force, and a new password can be set now. Real 429s from the switch simulator, both
// databases, the member reading Spanish.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const meta = { ip: '192.0.2.64', userAgent: 'vitest' };

/** An account on the simulator with one credential answered 429, Retry-After: 40; its member reads Spanish in Madrid. */
async function busyAccount() {
  const made = await makeAccount();
  await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
    internationalCalling: 'allowed',
    credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
  });
  const member = await getDb().user.update({
    where: { id: made.users[0]!.id },
    data: {
      locale: 'es',
      localeChosenAt: new Date(),
      timeZone: 'Europe/Madrid',
      timeZoneChosenAt: new Date(),
    },
  });
  const cred = made.creds[0]!;
  await sim.control('PUT', `/_sim/faults/${cred.username}`, {
    failNext: 3,
    failStatus: 429,
    retryAfter: '40',
  });
  const r = await resetSipPassword(asUser(member), cred.id, generatePassword(24), meta);
  await sim.control('DELETE', `/_sim/faults/${cred.username}`);
  expect(said(r)).toBe('outcome.reset.switchBusyUnknown');
  const change = await getDb().sipPasswordChange.findFirstOrThrow({ where: { credentialId: cred.id } });
  return { ...made, member, cred, until: busyUntilOf(change)! };
}

/** The words of `node` as a page's request at `now` renders them, in Spanish, times in UTC. */
const words = (node: ReactNode, now: Date) =>
  text(
    renderToStaticMarkup(
      h(NextIntlClientProvider, {
        locale: 'es',
        messages: CATALOGUES.es,
        timeZone: 'UTC',
        now,
        children: node,
      }),
    ),
  ).trim();

describe.each(dialects())('a busy answer whose time has passed, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));
  beforeEach(() => endSwitchQuiet());

  it('the dashboard and the reset page say "from" before it, and a new password now after it', async () => {
    const { member, cred, until } = await busyAccount();
    const shown = formatWhen(until, 'UTC', { seconds: true, locale: 'es' });
    const before = new Date(until.getTime() - 1000);

    const [summary] = await listAccountsForUser(member.id);
    const c = summary!.credentials.find((x) => x.id === cred.id)!;
    const line = h(UnsettledLine, { cause: c.unsettledCause!, busyUntil: c.unsettledBusyUntil });
    expect(words(line, before)).toContain(`Ponga una nueva desde el ${shown}.`);
    expect(words(line, until)).toBe(CATALOGUES.es.dashboard.unsettledError);

    const { unsettled } = await latestChange(cred.id);
    const notice = h(UnsettledNotice, { unsettled: unsettled! });
    expect(words(notice, before)).toContain(`Ponga una contraseña nueva desde el ${shown}`);
    const over = words(notice, new Date(until.getTime() + 5 * 60_000));
    expect(over).toMatch(/^Nuestra central respondió con un error a un cambio de esta contraseña/);
    expect(over).toContain('Ponga ahora una contraseña nueva para saber con certeza cuál está en vigor.');
    expect(over).not.toContain(shown);
  });

  it('the devices line names the busy time only while it is ahead, else the pause’s own', async () => {
    const { member, cred, until } = await busyAccount();
    // This instance's quiet ends a second or two after the change's time (another clock, rounded up):
    // the devices line names the change's time while it is ahead, as the notice does.
    endSwitchQuiet();
    noteSwitchAnswer(429, until.getTime() - Date.now() + 1000);
    const quiet = switchQuietUntil()!;
    expect(quiet.getTime()).toBeGreaterThan(until.getTime());
    expect(quiet.getTime() - until.getTime()).toBeLessThanOrEqual(2000);

    const ahead = await resetPageDevices(member.id, cred.id, latestChange(cred.id));
    expect(ahead!.credentials[0]!.notRead).toEqual({ reason: 'paused', until });

    // Read at that time (the notice then says "now"): the reads are still paused, until the quiet's
    // own time, never "we will ask again from" the time that has come.
    const passed = await resetPageDevices(member.id, cred.id, latestChange(cred.id), until);
    const read = passed!.credentials[0]!;
    if (read.notRead?.reason !== 'paused') throw new Error('the reads should be paused');
    // The quiet's own end (rounded up to the second on each reading: the second it was first read, or the next).
    const own = read.notRead.until;
    expect(own.getTime()).toBeGreaterThan(until.getTime());
    expect(Math.abs(own.getTime() - quiet.getTime())).toBeLessThanOrEqual(1000);
    const line = words(h(RetypeWords, { devices: read, when: 'before' }), until);
    expect(line).toContain(
      `volveremos a preguntarle desde el ${formatWhen(own, 'UTC', { seconds: true, locale: 'es' })}`,
    );
    expect(line).not.toContain(formatWhen(until, 'UTC', { seconds: true, locale: 'es' }));
  });

  it('the alert mail sent once that time has come says to set the password again, with no time', async () => {
    const { member, account: acc, until } = await busyAccount();
    const row = await getDb().mailMessage.findFirstOrThrow({
      where: { to: member.email, template: 'sip_password_changed' },
    });
    const shown = formatWhen(until, 'Europe/Madrid', {
      seconds: true,
      locale: formatTag('es', [acc.country]),
    });
    const text = async (at: Date) => {
      const m = await renderMessage(row, at);
      if (!m.ok) throw new Error(m.reason);
      return m.mail.text.replace(/\s+/g, ' ');
    };

    const early = await text(new Date(until.getTime() - 1000));
    expect(early).toContain('nuestra central estaba ocupada y nos pidió esperar');
    expect(early).toContain(`desde el ${shown}`);

    const late = await text(until);
    expect(late).toContain('nuestra central respondió con un error');
    expect(late).toContain('vuelva a establecer la contraseña en el portal para saber cuál está en vigor.');
    expect(late).not.toContain(shown);
    expect(late).not.toMatch(/desde el \d/);
  });
});
