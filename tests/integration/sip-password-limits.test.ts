import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@/lib/server/rate-limit';
import { getDb } from '@/lib/server/db';
import { generatePassword } from '@/lib/passwords/generate';
import { latestChange, replayReset, resetCeiling, resetSipPassword } from '@/lib/credentials/reset';
import { renderMessage } from '@/lib/mail/render';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { inWords, said } from '@/tests/helpers/outcome';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// A PBX owner must be able to rotate every credential after a compromise (tester, 2026-12-08: a
// customer with 45 SIP credentials was refused at the 21st change, "Too many password changes in the
// last hour", with no time, and three of the 20 had been refused by the switch yet counted). Now a
// login changes each credential it can reach up to 5 times an hour and, all together, twice as many
// changes as it has credentials (never fewer than 20); a change the switch refused is given back; a
// refusal says when to try again. And a change the switch answered with an error (a 500, a 503 that
// asked to wait) is no longer worded "the switch gave no answer". The switch simulator, both databases.

// A short client timeout, so that a switch that does not answer times out within the test.
process.env.SWITCH_API_TIMEOUT_MS = '1500';

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const meta = { ip: '192.0.2.61', userAgent: 'vitest' };
const fresh = () => generatePassword(24);

/** The table's key for a limit's key, as lib/server/rate-limit.ts stores it (prefix, hashed key). */
const stored = (name: string, key: string) =>
  `${name}:${crypto.createHash('sha256').update(key.toLowerCase()).digest('base64url')}`;

/** An account with one member and `count` credentials, on the simulator with their old passwords. */
async function pbx(count: number) {
  const tag = crypto.randomBytes(4).toString('hex');
  const made = await makeAccount({
    members: [uniqueEmail('pbx-owner')],
    credentials: Array.from({ length: count }, (_, i) => `pbx-${tag}-${i}`),
  });
  await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
    internationalCalling: 'allowed',
    credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
  });
  return { ...made, owner: asCustomer(made.users[0]) };
}

/** The PUTs of `username`'s password the simulator received. */
const putsOf = async (username: string) =>
  ((await sim.control('GET', '/_sim/requests')).body.requests as { method: string; path: string }[]).filter(
    (r) => r.method === 'PUT' && r.path === `/v1/sip-credentials/${username}/password`,
  ).length;

const matches = async (username: string, password: string) =>
  (await sim.control('POST', '/_sim/check-password', { username, password })).body.matches as boolean;

describe.each(dialects())('limits on SIP password changes, %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('a login rotates all 45 credentials of its PBX twice in one sitting; the next change is refused with the wait', async () => {
    const { creds, owner, users } = await pbx(45);
    expect(await resetCeiling(users[0].id)).toBe(90);
    for (const round of [1, 2]) {
      for (const cred of creds) {
        const password = fresh();
        const r = await resetSipPassword(owner, cred.id, password, meta);
        expect({ round, cred: cred.username, said: said(r) }).toEqual({
          round,
          cred: cred.username,
          said: 'ok',
        });
        expect(await matches(cred.username, password)).toBe(true);
      }
    }
    // The 91st: the login's ceiling (twice its 45 credentials), with when it can try again (its
    // window made to end in 14 minutes, as if it began 46 minutes ago).
    await getDb().rateLimiterFlexible.update({
      where: { key: stored('sipPassword', users[0].id) },
      data: { expire: new Date(Date.now() + 14 * 60_000) },
    });
    const r = await resetSipPassword(owner, creds[0].id, fresh(), meta);
    expect(r).toEqual({
      ok: false,
      code: 'throttled',
      note: { key: 'outcome.reset.tooMany', values: { minutes: 14 } },
    });
    expect(inWords(r).message).toBe(
      'Your login has changed too many SIP passwords in the last hour. Try again in 14 minutes, or contact support.',
    );
    expect(await getDb().sipPasswordChange.count({ where: { credentialId: creds[0].id } })).toBe(2);
    // Refused before anything was written or sent; the credential's own counter is given back.
    const own = await getDb().rateLimiterFlexible.findUniqueOrThrow({
      where: { key: stored('sipPasswordCredential', `${users[0].id} ${creds[0].id}`) },
    });
    expect(own.points).toBe(2);
  });

  it('the 6th change of one credential in the hour is refused with the minutes to wait; the others still change', async () => {
    const { creds, owner, users } = await pbx(2);
    const [one, other] = creds;
    for (let i = 0; i < LIMITS.sipPasswordCredential.points; i++)
      expect(said(await resetSipPassword(owner, one.id, fresh(), meta))).toBe('ok');
    // Its window began 46 minutes ago (the first change): 14 are left of it.
    await getDb().rateLimiterFlexible.update({
      where: { key: stored('sipPasswordCredential', `${users[0].id} ${one.id}`) },
      data: { expire: new Date(Date.now() + 14 * 60_000) },
    });
    const sent = await putsOf(one.username);
    const password = fresh();
    const r = await resetSipPassword(owner, one.id, password, meta);
    expect(r).toEqual({
      ok: false,
      code: 'throttled',
      note: { key: 'outcome.reset.tooManyCredential', values: { minutes: 14 } },
    });
    expect(inWords(r).message).toBe(
      'This SIP password has been changed too many times in the last hour. Try again in 14 minutes, or contact support. You can still change your other SIP passwords.',
    );
    expect(inWords(r, 'es').message).toContain('Vuelva a intentarlo dentro de 14 minutos');
    // Nothing was sent or written, and the login's ceiling did not pay for the refusal.
    expect(await putsOf(one.username)).toBe(sent);
    expect(await matches(one.username, password)).toBe(false);
    expect(await getDb().sipPasswordChange.count({ where: { credentialId: one.id } })).toBe(5);
    const login = await getDb().rateLimiterFlexible.findUniqueOrThrow({
      where: { key: stored('sipPassword', users[0].id) },
    });
    expect(login.points).toBe(5);
    expect(said(await resetSipPassword(owner, other.id, fresh(), meta))).toBe('ok');
  });

  it('a change the switch refused is given back to the login, not to the credential; one not known counts', async () => {
    const { creds, owner, users } = await pbx(3);
    const [refused, unknown, ours] = creds;
    const loginPoints = async () =>
      (await getDb().rateLimiterFlexible.findUnique({ where: { key: stored('sipPassword', users[0].id) } }))
        ?.points ?? 0;
    // The switch refuses 5 changes (409: known not applied). Each still counts on the credential's
    // own limit (it bounds what one login sends the switch: review, 2026-12-07), so the 6th is
    // refused without being sent; the login's ceiling paid for none of them.
    await sim.control('PUT', `/_sim/faults/${refused.username}`, { failNext: 5, failStatus: 409 });
    for (let i = 0; i < LIMITS.sipPasswordCredential.points; i++)
      expect(said(await resetSipPassword(owner, refused.id, fresh(), meta))).toBe(
        'outcome.reset.switchFailed',
      );
    expect(await loginPoints()).toBe(0);
    const sent = await putsOf(refused.username);
    expect(said(await resetSipPassword(owner, refused.id, fresh(), meta))).toBe(
      'outcome.reset.tooManyCredential',
    );
    expect(await putsOf(refused.username)).toBe(sent);

    // A refusal of Tollgate itself (401: its own token) gives nothing back: the ceiling counts it.
    await sim.control('PUT', `/_sim/faults/${ours.username}`, { failNext: 1, failStatus: 401 });
    await resetSipPassword(owner, ours.id, fresh(), meta);
    expect(await loginPoints()).toBe(1);
    await sim.control('DELETE', `/_sim/faults/${ours.username}`);

    // A 503 asking to wait may have been applied: each counts (and the switch is asked once each).
    await sim.control('PUT', `/_sim/faults/${unknown.username}`, {
      failNext: 5,
      failStatus: 503,
      retryAfter: '30',
    });
    for (let i = 0; i < LIMITS.sipPasswordCredential.points; i++) {
      expect(said(await resetSipPassword(owner, unknown.id, fresh(), meta))).toBe(
        'outcome.reset.switchBusyUnknown', // busy, from when (tests/integration/sip-reset-busy.test.ts)
      );
      // Its Retry-After over: the portal honours it (lib/credentials/reset.ts accountBusyUntil).
      await getDb().sipPasswordChange.updateMany({
        where: { credentialId: unknown.id },
        data: { completedAt: new Date(Date.now() - 60_000) },
      });
    }
    await sim.control('DELETE', `/_sim/faults/${unknown.username}`);
    expect(said(await resetSipPassword(owner, unknown.id, fresh(), meta))).toBe(
      'outcome.reset.tooManyCredential',
    );
  });

  describe('a change whose answer is not known says why', () => {
    /** The alert queued for the change of `credId`, rendered for its member. */
    async function alertText(credId: string) {
      const row = await getDb().mailMessage.findFirstOrThrow({
        where: { template: 'sip_password_changed', payload: { contains: credId } },
      });
      const mail = await renderMessage(row, new Date());
      if (!mail.ok) throw new Error(mail.reason);
      return mail.mail.text;
    }

    it('the switch answered 500: an error answer, in the outcome, a resend and the alert', async () => {
      const { creds, owner } = await pbx(1);
      const [cred] = creds;
      await sim.control('PUT', `/_sim/faults/${cred.username}`, { failNext: 10, failStatus: 500 });
      const r = await resetSipPassword(owner, cred.id, fresh(), meta);
      await sim.control('DELETE', `/_sim/faults/${cred.username}`);
      expect(r).toMatchObject({
        ok: false,
        code: 'unavailable',
        note: { key: 'outcome.reset.switchErrorUnknown' },
      });
      const words = inWords(r).message!;
      expect(words).toMatch(
        /^Our phone system answered with an error, so we do not know whether it took the new SIP password/,
      );
      expect(words).not.toContain('no answer');
      expect(inWords(r, 'es').message).toMatch(/^Nuestra central respondió con un error/);
      const change = await getDb().sipPasswordChange.findFirstOrThrow({ where: { credentialId: cred.id } });
      expect(change).toMatchObject({
        status: 'unknown',
        error: expect.stringMatching(/^simulated_failure: HTTP 500 /),
      });
      // A resend of the same form is answered from the change, with the same words.
      const receipt = {
        action: 'sip.reset',
        digest: '',
        note: { key: 'outcome.again.sipPassword' },
        ref: change.id,
        at: new Date(),
      };
      expect(said(await replayReset(receipt, 'now'))).toBe('outcome.reset.switchErrorUnknown');
      // The reset page is told why, to word its notice (app/credentials/[id]/reset/page.tsx).
      expect((await latestChange(cred.id)).unsettled).toMatchObject({
        kind: 'unknown',
        cause: 'error_answer',
      });
      const text = await alertText(cred.id);
      expect(text).toContain(
        'our phone system answered with an error, so we do not know whether it took the new password',
      );
      expect(text).not.toContain('never reached us');
    });

    it('the switch did not answer in time: "no answer", in the outcome, a resend and the alert', async () => {
      const { creds, owner } = await pbx(1);
      const [cred] = creds;
      // Each of the client's three attempts waits past its 1.5 s timeout.
      await sim.control('PUT', `/_sim/faults/${cred.username}`, { delayMs: 4000, delayNext: 3 });
      const r = await resetSipPassword(owner, cred.id, fresh(), meta);
      await sim.control('DELETE', `/_sim/faults/${cred.username}`);
      expect(r).toMatchObject({
        ok: false,
        code: 'unavailable',
        note: { key: 'outcome.reset.switchUnknown' },
      });
      // The timeout's own words (another builder rewords "switch" for customers): no error is claimed.
      expect(inWords(r).message).toContain('gave no answer about the new SIP password');
      expect(inWords(r).message).not.toContain('answered with an error');
      const change = await getDb().sipPasswordChange.findFirstOrThrow({ where: { credentialId: cred.id } });
      expect(change).toMatchObject({ status: 'unknown', error: expect.stringMatching(/^timeout: /) });
      const receipt = {
        action: 'sip.reset',
        digest: '',
        note: { key: 'outcome.again.sipPassword' },
        ref: change.id,
        at: new Date(),
      };
      expect(said(await replayReset(receipt, 'now'))).toBe('outcome.reset.switchUnknown');
      expect((await latestChange(cred.id)).unsettled).toMatchObject({ kind: 'unknown', cause: 'no_answer' });
      const text = await alertText(cred.id);
      expect(text).toMatch(/our (switch|phone system)’s answer never reached us/);
      expect(text).not.toContain('answered with an error');
    });
  });
});
