import { createElement as h } from 'react';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UnsettledNotice } from '@/components/sip/unsettled';
import { askedToWaitUntil } from '@/lib/credentials/change-state';
import { latestChange, resetSipPassword } from '@/lib/credentials/reset';
import { generatePassword } from '@/lib/passwords/generate';
import { getDb } from '@/lib/server/db';
import { endSwitchQuiet } from '@/lib/switch/quiet';
import { formatWhen } from '@/lib/time/format';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, makeAccount } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';
import { inWords, said } from '@/tests/helpers/outcome';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// After a 429 with Retry-After: 40, the customer's SIP password reset page said "Our phone system
// answered with an error… Set a new password now" (a tester playing the switch engineer, 2026-12-07):
// the switch had asked to be left alone, and "now" would be answered the same. It now says our phone
// system is busy, from when to set the password again (the Retry-After, in the customer's zone), and
// that the password may or may not have changed (a 429 is "not known to be applied":
// docs/switch-api.md). The switch simulator's faults, both databases.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const meta = { ip: '192.0.2.62', userAgent: 'vitest' };

async function member(locale: 'en' | 'es', timeZone: string) {
  const { account, users, creds } = await makeAccount();
  await sim.control('PUT', `/_sim/accounts/${account.number}`, {
    internationalCalling: 'allowed',
    credentials: creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
  });
  return { user: asUser({ ...users[0]!, locale, timeZone }), cred: creds[0]! };
}

describe.each(dialects())('a reset the switch answers by asking to wait, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));
  beforeEach(() => endSwitchQuiet());

  it.each([
    [
      'en',
      'Europe/Madrid',
      /^Our phone system is busy and asked us to wait, so it did not confirm the new SIP password: it may have the new one or still the old one/,
      'Try again from',
    ],
    [
      'es',
      'America/Mexico_City',
      /^Nuestra central está ocupada y nos pidió esperar, así que no confirmó la nueva contraseña SIP: puede que tenga la nueva o todavía la anterior/,
      'Vuelva a intentarlo desde el',
    ],
  ] as const)(
    '429 with Retry-After: 40, in %s: busy, from when (in %s), not known to be changed',
    async (locale, zone, opening, retry) => {
      const { user, cred } = await member(locale, zone);
      await sim.control('PUT', `/_sim/faults/${cred.username}`, {
        failNext: 3,
        failStatus: 429,
        retryAfter: '40',
      });
      const before = Date.now();
      const r = await resetSipPassword(user, cred.id, generatePassword(24), meta);
      await sim.control('DELETE', `/_sim/faults/${cred.username}`);
      expect(said(r)).toBe('outcome.reset.switchBusyUnknown');

      // The time the switch gave, to the second, in the customer's zone and language.
      const change = await getDb().sipPasswordChange.findFirstOrThrow({ where: { credentialId: cred.id } });
      expect(change).toMatchObject({
        status: 'unknown',
        error: expect.stringMatching(/^asked_to_wait: 40 s; /),
      });
      const until = askedToWaitUntil(change.error, change.completedAt!)!;
      expect(until.getTime() - before).toBeGreaterThanOrEqual(40_000);
      expect(until.getTime() - before).toBeLessThan(45_000);
      const words = inWords(r, locale).message!;
      expect(words).toMatch(opening);
      const shown = (at: Date) => formatWhen(at, zone, { seconds: true, locale });
      // Read on the answer's own clock, a few ms after the row's completedAt: at most a second later.
      expect(
        [shown(until), shown(new Date(until.getTime() + 1000))].some((s) => words.includes(`${retry} ${s}`)),
      ).toBe(true);
      expect(words).not.toMatch(
        /switch|answered with an error|respondió con un error|Set a new password now|Ponga ahora/i,
      );

      // The reset page's notice says the same of that change, until when included.
      const { unsettled } = await latestChange(cred.id);
      expect(unsettled).toMatchObject({ kind: 'unknown', cause: 'error_answer', busyUntil: until });
      const notice = text(render(h(UnsettledNotice, { unsettled: unsettled! }), locale)).trim();
      expect(notice).toMatch(
        locale === 'en'
          ? /^Our phone system was busy when this password was changed on /
          : /^Nuestra central estaba ocupada cuando se cambió esta contraseña el /,
      );
      expect(notice).toContain(formatWhen(until, 'UTC', { seconds: true, locale }).replace(/ UTC$/, ''));
      expect(notice).not.toMatch(/switch|now to be sure|Ponga ahora/i);
    },
  );

  it('a 503 with Retry-After is the same busy answer; a 500 is still "answered with an error"', async () => {
    const { user, cred } = await member('en', 'UTC');
    await sim.control('PUT', `/_sim/faults/${cred.username}`, {
      failNext: 3,
      failStatus: 503,
      retryAfter: '30',
    });
    expect(said(await resetSipPassword(user, cred.id, generatePassword(24), meta))).toBe(
      'outcome.reset.switchBusyUnknown',
    );
    endSwitchQuiet();
    // The portal honours the 503's Retry-After (lib/credentials/reset.ts accountBusyUntil): its wait over.
    await getDb().sipPasswordChange.updateMany({
      where: { credentialId: cred.id },
      data: { completedAt: new Date(Date.now() - 60_000) },
    });
    await sim.control('PUT', `/_sim/faults/${cred.username}`, { failNext: 3, failStatus: 500 });
    const r = await resetSipPassword(user, cred.id, generatePassword(24), meta);
    await sim.control('DELETE', `/_sim/faults/${cred.username}`);
    expect(said(r)).toBe('outcome.reset.switchErrorUnknown');
    const { unsettled } = await latestChange(cred.id);
    expect(unsettled).toMatchObject({ kind: 'unknown', cause: 'error_answer' });
    expect(unsettled).not.toHaveProperty('busyUntil');
  });
});
