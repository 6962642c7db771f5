import { createElement as h } from 'react';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RetypeWords } from '@/components/devices/devices-to-retype';
import { UnsettledLine, UnsettledNotice } from '@/components/sip/unsettled';
import { listAccountsForUser } from '@/lib/accounts/queries';
import { busyUntilOf } from '@/lib/credentials/change-state';
import {
  accountBusyUntil,
  latestChange,
  replayReset,
  resetPageDevices,
  resetSipPassword,
} from '@/lib/credentials/reset';
import { formatTag } from '@/lib/i18n/locales';
import { renderMessage } from '@/lib/mail/render';
import { generatePassword } from '@/lib/passwords/generate';
import { getDb } from '@/lib/server/db';
import { endSwitchQuiet } from '@/lib/switch/quiet';
import { formatWhen } from '@/lib/time/format';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, makeAccount } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';
import { inWords, said } from '@/tests/helpers/outcome';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// A tester on the reset page after a 429 with Retry-After (2026-12-08): the devices line said the
// devices "could not" be read while the reads were paused; the form's answer and the page's notice
// named two different "from" times; and a second submit before that time still reached the switch.
// Now one time, the change's stored answer (completedAt + Retry-After: busyUntilOf), is named by the
// form's answer, its replay, the notice, the devices lines, the dashboard's line and the alert mail;
// and the portal honours it (RFC 9110 §10.2.3): a new change of any credential of that account before
// it is refused, nothing sent, no change row. Real 429s from the switch simulator, both databases.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const meta = { ip: '192.0.2.63', userAgent: 'vitest' };

/** The /v1 requests the simulator received about `username`. */
const askedAbout = async (username: string) =>
  ((await sim.control('GET', '/_sim/requests')).body.requests as { method: string; path: string }[]).filter(
    (r) => r.path.includes(username),
  );

/** An account on the simulator with two credentials, its member reading Spanish in Madrid. */
async function account() {
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
  return { ...made, member, user: asUser(member) };
}

/** A reset of `username`'s credential answered 429 with Retry-After: 40 (every retry too). */
async function answeredBusy(user: ReturnType<typeof asUser>, cred: { id: string; username: string }) {
  await sim.control('PUT', `/_sim/faults/${cred.username}`, {
    failNext: 3,
    failStatus: 429,
    retryAfter: '40',
  });
  const r = await resetSipPassword(user, cred.id, generatePassword(24), meta);
  await sim.control('DELETE', `/_sim/faults/${cred.username}`);
  return r;
}

describe.each(dialects())(
  'a busy answer to a SIP password reset, honoured and named once, on %s',
  (dialect) => {
    beforeAll(() => useFreshDb(dialect));
    beforeEach(() => endSwitchQuiet());

    it('names one time everywhere: the answer, the notice, the devices lines, the dashboard, the mail', async () => {
      const { user, member, creds, account: acc } = await account();
      const [cred, other] = [creds[0]!, creds[1]!];
      const r = await answeredBusy(user, cred);
      expect(said(r)).toBe('outcome.reset.switchBusyUnknown');
      const change = await getDb().sipPasswordChange.findFirstOrThrow({ where: { credentialId: cred.id } });
      const until = busyUntilOf(change)!;
      expect(until.getTime() - change.completedAt!.getTime()).toBeGreaterThanOrEqual(40_000);
      expect(until.getTime() - change.completedAt!.getTime()).toBeLessThan(41_000);
      const shown = (zone: string, locale: string) => formatWhen(until, zone, { seconds: true, locale });

      // The form's answer: exactly the stored answer's time, in the reader's zone and language.
      expect(inWords(r, 'es').message).toContain(
        `Vuelva a intentarlo desde el ${shown('Europe/Madrid', 'es')}:`,
      );

      // The notice (test renders read UTC): the same instant.
      const { unsettled } = await latestChange(cred.id);
      expect(unsettled).toMatchObject({ kind: 'unknown', busyUntil: until });
      expect(text(render(h(UnsettledNotice, { unsettled: unsettled! })))).toContain(shown('UTC', 'en'));

      // The devices lines: the 429 paused this instance's reads; they are said paused, until that time.
      const devices = await resetPageDevices(member.id, cred.id, latestChange(cred.id));
      const read = devices!.credentials[0]!;
      expect(read.notRead).toEqual({ reason: 'paused', until });
      const before = text(render(h(RetypeWords, { devices: read, when: 'before' })));
      expect(before).toContain(`we will ask again from ${shown('UTC', 'en')}.`);
      expect(before).not.toMatch(/could not/i);
      const failed = text(
        render(h(RetypeWords, { devices: { ...read, notRead: { reason: 'failed' } }, when: 'before' })),
      );
      expect(failed.trim()).toMatch(/^We could not ask our phone system/);

      // The dashboard's line under that credential (not under the other one).
      const [summary] = await listAccountsForUser(member.id);
      const line = summary!.credentials.find((c) => c.id === cred.id)!;
      expect(line).toMatchObject({ unsettledCause: 'error_answer', unsettledBusyUntil: until });
      expect(summary!.credentials.find((c) => c.id === other.id)).not.toHaveProperty('unsettledBusyUntil');
      const dashboard = text(render(h(UnsettledLine, { cause: 'error_answer', busyUntil: until }), 'es'));
      expect(dashboard).toContain(`Ponga una nueva desde el ${shown('UTC', 'es')}.`);

      // The "may have changed" alert: busy, and from when, in the member's zone and language.
      const row = await getDb().mailMessage.findFirstOrThrow({
        where: { to: member.email, template: 'sip_password_changed' },
      });
      const mail = await renderMessage(row, new Date());
      if (!mail.ok) throw new Error(mail.reason);
      const words = mail.mail.text.replace(/\s+/g, ' ');
      expect(words).toContain('nuestra central estaba ocupada y nos pidió esperar');
      expect(words).toContain(`desde el ${shown('Europe/Madrid', formatTag('es', [acc.country]))}`);
      expect(words).not.toMatch(/respondió con un error/);
    });

    it('refuses a new change of any credential of the account before that time, and sends nothing', async () => {
      const { user, creds, account: acc } = await account();
      const [cred, other] = [creds[0]!, creds[1]!];
      expect(said(await answeredBusy(user, cred))).toBe('outcome.reset.switchBusyUnknown');
      const change = await getDb().sipPasswordChange.findFirstOrThrow({ where: { credentialId: cred.id } });
      const until = busyUntilOf(change)!;
      expect(await accountBusyUntil(acc.id)).toEqual(until);
      const sent = {
        cred: (await askedAbout(cred.username)).filter((q) => q.method === 'PUT').length,
        other: (await askedAbout(other.username)).filter((q) => q.method === 'PUT').length,
      };

      // The switch would take them now (no fault), but asked to wait: the portal does not ask it.
      for (const c of [cred, other]) {
        const r = await resetSipPassword(user, c.id, generatePassword(24), meta);
        expect(r).toMatchObject({ ok: false, code: 'throttled', note: { key: 'outcome.reset.switchBusy' } });
        expect(inWords(r, 'es').message).toContain(
          `hasta el ${formatWhen(until, 'Europe/Madrid', { seconds: true, locale: 'es' })}`,
        );
      }
      expect((await askedAbout(cred.username)).filter((q) => q.method === 'PUT')).toHaveLength(sent.cred);
      expect((await askedAbout(other.username)).filter((q) => q.method === 'PUT')).toHaveLength(sent.other);
      expect(
        await getDb().sipPasswordChange.count({ where: { credentialId: { in: [cred.id, other.id] } } }),
      ).toBe(1);
      // Not audited, as the reset's other refusals before sending (its hourly limits) are not.
      expect(
        await getDb().auditLog.count({
          where: { accountId: acc.id, action: { startsWith: 'sip_password' } },
        }),
      ).toBe(1);

      // Another account's customer is not held back by this account's answer.
      const stranger = await account();
      expect(
        said(await resetSipPassword(stranger.user, stranger.creds[0]!.id, generatePassword(24), meta)),
      ).toBe('ok');

      // Once that time has come, a new change is sent again.
      await getDb().sipPasswordChange.update({
        where: { id: change.id },
        data: { completedAt: new Date(change.completedAt!.getTime() - 41_000) },
      });
      expect(await accountBusyUntil(acc.id)).toBeNull();
      expect(said(await resetSipPassword(user, other.id, generatePassword(24), meta))).toBe('ok');
      expect((await askedAbout(other.username)).filter((q) => q.method === 'PUT')).toHaveLength(
        sent.other + 1,
      );
    });

    it('answers a resent form of that change busy, from the same time, for its reader', async () => {
      const { user, creds } = await account();
      const cred = creds[0]!;
      await answeredBusy(user, cred);
      const change = await getDb().sipPasswordChange.findFirstOrThrow({ where: { credentialId: cred.id } });
      const until = busyUntilOf(change)!;
      const receipt = {
        action: 'sip.reset',
        digest: 'x',
        note: { key: 'outcome.again.sipPassword', values: { username: cred.username } },
        ref: change.id,
        at: change.createdAt,
      };
      const mexico = { timeZone: 'America/Mexico_City', locale: 'es' };
      const r = await replayReset(receipt, 'ahora', mexico);
      expect(said(r)).toBe('outcome.reset.switchBusyUnknown');
      expect(inWords(r, 'es').message).toContain(
        `Vuelva a intentarlo desde el ${formatWhen(until, 'America/Mexico_City', { seconds: true, locale: 'es' })}:`,
      );
    });
  },
);
