import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { generatePassword } from '@/lib/passwords/generate';
import { contextWords } from '@/lib/passwords/words';
import { resetSipPassword } from '@/lib/credentials/reset';
import { notesText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount } from '@/tests/helpers/factory';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// The server applies the SIP rule itself (the meter in the browser is advice): guesses against
// SIP_PASSWORD_MIN_GUESSES_LOG10 and the characters some phones cannot take. A refused password never
// reaches the switch and changes nothing here.

let sim: TestSim;
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const matches = async (username: string, password: string) =>
  (await sim.control('POST', '/_sim/check-password', { username, password })).body.matches as boolean;

beforeAll(async () => {
  sim = await startTestSim();
  // env() is read once per test process: point it at this simulator before anything reads it.
  process.env.SWITCH_API_URL = sim.url;
  process.env.SWITCH_API_TOKEN = TOKEN;
  process.env.SWITCH_API_TIMEOUT_MS = '2000';
});
afterAll(() => sim.stop());

describe.each(dialects())('SIP password rule on the server, %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  async function member() {
    const { account, users, creds } = await makeAccount();
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'allowed',
      credentials: creds.map((c) => ({ username: c.username, password: 'old-password-0001' })),
    });
    const u = users[0];
    const user = asCustomer(u);
    return { user, cred: creds[0] };
  }

  it.each([
    ['Kettle-Harbor-91', /cracked in 21 minutes on one graphics card/],
    ['Harbor&Quartz(Kettle)91', /Remove “&”/],
    ['Kettle:Harbor-Quartz-91', /Remove “:”/],
    ['Kettle Harbor Quartz 91 Lantern', /Remove a space/],
    ['Kettle-Härbor-Quartz-91-Lantern', /“ä”/],
  ])('refuses %s, naming why, and changes nothing', async (password, why) => {
    const { user, cred } = await member();
    const r = await resetSipPassword(user, cred.id, password, meta);
    expect(r).toMatchObject({ ok: false, code: 'invalid' });
    // The reasons are catalogue notes; in English words they name the character.
    expect(
      r.ok || r.code === 'not_found' ? '' : notesText(translate('en'), r.fieldErrors?.password ?? []),
    ).toMatch(why);
    expect(await matches(cred.username, password)).toBe(false);
    expect(await matches(cred.username, 'old-password-0001')).toBe(true);
    expect(
      (await getDb().sipCredential.findUniqueOrThrow({ where: { id: cred.id } })).passwordChangedAt,
    ).toBeNull();
    expect(
      await getDb().auditLog.count({ where: { action: 'sip_password.changed', targetId: cred.id } }),
    ).toBe(0);
  });

  it('sets a generated password on the switch', async () => {
    const { user, cred } = await member();
    // As the reset form generates it (components/sip/reset-form.tsx): avoiding the account's
    // own words, which the server refuses (a draw held "ACMe" about once in 5 000).
    const account = await getDb().customerAccount.findUniqueOrThrow({ where: { id: cred.accountId } });
    const password = generatePassword(
      undefined,
      false,
      contextWords([account.number, account.name, cred.username, user.email]),
    );
    expect(await resetSipPassword(user, cred.id, password, meta)).toMatchObject({ ok: true });
    expect(await matches(cred.username, password)).toBe(true);
  });
});
