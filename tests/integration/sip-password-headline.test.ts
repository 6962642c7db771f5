import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetSipPassword } from '@/lib/credentials/reset';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount } from '@/tests/helpers/factory';
import { inWords } from '@/tests/helpers/outcome';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// An input tester (2026-12): a strong SIP password refused only for a character it may not hold ("é",
// U+FFFD) was headed "Choose a stronger password." above the right reason ("Remove “é” (U+00E9)…").
// The headline now says what the reasons have in common (lib/passwords/check.ts refusalHeadline).

let sim: TestSim;
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
/** Strong whatever is added to it: about 10^30 guesses. */
const STRONG = 'Kettle-Harbor-Quartz-91-Lantern-Violet';

beforeAll(async () => {
  sim = await startTestSim();
  // env() is read once per test process: point it at this simulator before anything reads it.
  process.env.SWITCH_API_URL = sim.url;
  process.env.SWITCH_API_TOKEN = TOKEN;
  process.env.SWITCH_API_TIMEOUT_MS = '2000';
});
afterAll(() => sim.stop());

describe.each(dialects())('the headline of a refused SIP password, %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  async function refused(password: string) {
    const { account, users, creds } = await makeAccount();
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'allowed',
      credentials: creds.map((c) => ({ username: c.username, password: 'old-password-0001' })),
    });
    const r = await resetSipPassword(asCustomer(users[0]!), creds[0]!.id, password, meta);
    expect(r).toMatchObject({ ok: false, code: 'invalid' });
    expect(await getDb().sipPasswordChange.count({ where: { credentialId: creds[0]!.id } })).toBe(0);
    return { en: inWords(r), es: inWords(r, 'es') };
  }

  it.each([`${STRONG}-é`, `${STRONG}-\ufffd`, `${STRONG} `])(
    '%j, strong but for one character: the headline says so, in both languages',
    async (password) => {
      const { en, es } = await refused(password);
      expect(en.message).toBe('This password holds a character a SIP password may not contain: remove it.');
      expect(es.message).toBe(
        'Esta contraseña contiene un carácter que una contraseña SIP no puede llevar: quítelo.',
      );
      expect(en.fieldErrors?.password).toHaveLength(1);
    },
  );

  it('two such characters: the headline counts them', async () => {
    const { en, es } = await refused(`${STRONG}:é`);
    expect(en.message).toBe('This password holds 2 characters a SIP password may not contain: remove them.');
    expect(es.message).toBe(
      'Esta contraseña contiene 2 caracteres que una contraseña SIP no puede llevar: quítelos.',
    );
    expect(en.fieldErrors?.password?.join(' ')).toMatch(
      /Remove “:”.*Remove “é”: some phones do not accept it/,
    );
  });

  it('a weak password, with or without such a character, is asked to be stronger', async () => {
    for (const password of ['Kettle-91', 'Kettle-é1'])
      expect((await refused(password)).en.message).toBe('Choose a stronger password.');
  });

  it('a password longer than a SIP password may be is asked to be shorter', async () => {
    const { en, es } = await refused(`${STRONG}-${'x'.repeat(200)}`);
    expect(en.message).toBe('This password is too long: choose a shorter one.');
    expect(es.message).toBe('Esta contraseña es demasiado larga: elija una más corta.');
    expect(en.fieldErrors?.password).toEqual([expect.stringMatching(/^Use at most \d+ characters\.$/)]);
  });
});
