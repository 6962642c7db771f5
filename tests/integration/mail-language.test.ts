import crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

// The language and clock of mail to someone who has not told the portal theirs: a sign-in link is in
// the language of the page that asked for it (its Language cookie, else Accept-Language), unless the
// user chose one; mail about an account reads in the account's time zone until a browser has given the
// user's. next/headers is a fake request from a Spanish browser.
let cookieLocale: string | undefined = 'es';
vi.mock('next/headers', () => ({
  headers: async () =>
    new Headers({
      'accept-language': 'es-MX,es;q=0.9',
      'x-forwarded-for': '198.51.100.7',
      'user-agent': 'vitest',
    }),
  cookies: async () => ({
    get: (name: string) =>
      name === 'tollgate-locale' && cookieLocale ? { name, value: cookieLocale } : undefined,
    getAll: () => [],
    has: () => false,
    set: () => undefined,
    delete: () => undefined,
  }),
}));

const { createAccount, createUser } = await import('@/lib/accounts/commands');
const { requestSignInLink } = await import('@/lib/auth/email-link');
const { getDb } = await import('@/lib/server/db');
const { queueMailToMembers } = await import('@/lib/mail/queue');
const { dialects } = await import('@/tests/helpers/db');
const { makeAccount, makeBlock } = await import('@/tests/helpers/factory');
const { mailSuite } = await import('@/tests/helpers/mail-suite');

const meta = { ip: '198.51.100.7', userAgent: 'vitest' };

describe.each(dialects())('the language and clock of mail to a new customer on %s', (dialect) => {
  const mail = mailSuite(dialect);

  it('a sign-in link asked for from a Spanish page is in Spanish, unless the user chose English', async () => {
    const email = `cliente-${dialect}@clinica.example`;
    await makeAccount({ members: [email] });
    cookieLocale = 'es';
    expect(await requestSignInLink(email, '/', meta)).toMatchObject({ ok: true });
    await mail.deliver();
    expect(mail.smtp.to(email).at(-1)!.subject).toMatch(/^Su enlace de acceso/);

    // Accept-Language alone (no Language cookie) is the page's language too.
    cookieLocale = undefined;
    const other = `otra-${dialect}@clinica.example`;
    await makeAccount({ members: [other] });
    expect(await requestSignInLink(other, '/', meta)).toMatchObject({ ok: true });
    await mail.deliver();
    expect(mail.smtp.to(other).at(-1)!.subject).toMatch(/^Su enlace de acceso/);

    // A language the user chose in the portal wins over the page's.
    await getDb().user.update({ where: { email }, data: { locale: 'en', localeChosenAt: new Date() } });
    cookieLocale = 'es';
    expect(await requestSignInLink(email, '/', meta)).toMatchObject({ ok: true });
    await mail.deliver();
    expect(mail.smtp.to(email).at(-1)!.subject).not.toMatch(/^Su enlace/);
  });

  // Review 10, finding 4: the block notice is often the first thing a new customer reads, before any
  // browser told the portal their language: it is in the one create-user gave them (the account's).
  it("a block notice to a new customer who never signed in is in their account's language", async () => {
    const db = getDb();
    const n = () => `ACC-${crypto.randomInt(100000, 999999)}`;
    const madrid = await createAccount(db, {
      number: n(),
      name: 'Clínica Dental',
      country: 'ES',
      timeZone: 'Europe/Madrid',
    });
    const ohio = await createAccount(db, { number: n(), name: 'Lake Dental', country: 'US' });
    const member = async (email: string, account: string) =>
      createUser(db, { email, role: 'customer', account, password: 'harbour lantern granite violet' }, 3);
    const nueva = await member(`nueva-${dialect}@clinica.example`, madrid.number);
    const chose = await member(`english-${dialect}@clinica.example`, madrid.number);
    const lake = await member(`new-${dialect}@lake.example`, ohio.number);
    // One member of the Spanish account later chose English in the portal (lib/i18n/preference.ts).
    await db.user.update({ where: { id: chose.id }, data: { locale: 'en', localeChosenAt: new Date() } });
    for (const account of [madrid, ohio]) {
      const block = await makeBlock(account.id, { calls: [{ sipUsername: 'front-desk' }] });
      await db.$transaction((tx) =>
        queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }),
      );
    }
    await mail.deliver();
    const notice = (email: string) => mail.smtp.to(email).at(-1)!;
    expect(notice(nueva.email).subject).toMatch(/^Llamadas internacionales bloqueadas en Clínica Dental/);
    expect(notice(nueva.email).text).toContain('Como protección contra el fraude telefónico');
    expect(notice(nueva.email).text).not.toContain('What happened');
    for (const english of [chose.email, lake.email]) {
      expect(notice(english).subject).toMatch(/^International calling blocked on /);
      expect(notice(english).text).toContain('To protect you from toll fraud');
    }
  });

  it("a block notice to a customer no browser has given a zone reads on the account's clock", async () => {
    const email = `gerente-${dialect}@clinica-madrid.example`;
    const chose = `utc-${dialect}@clinica-madrid.example`;
    const { account } = await makeAccount({ members: [email, chose] });
    await getDb().customerAccount.update({
      where: { id: account.id },
      data: { country: 'ES', timeZone: 'Europe/Madrid' },
    });
    // One member chose UTC in the profile: that choice stands.
    await getDb().user.update({ where: { email: chose }, data: { timeZoneChosenAt: new Date() } });
    const block = await makeBlock(account.id, { placedAt: new Date('2026-07-01T10:30:00Z') });
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }),
    );
    await mail.deliver();
    const madrid = mail.smtp.to(email).at(-1)!.text;
    expect(madrid).toContain('12:30'); // 10:30 UTC is 12:30 in Madrid in July (CEST)
    expect(madrid).not.toMatch(/\bUTC\b/);
    expect(mail.smtp.to(chose).at(-1)!.text).toContain('10:30');
  });

  // Review (session 40): mail about no one account (a sign-in link, a login re-enabled) was written in
  // UTC for a customer who had never signed in: a Mexican customer read "expires 10:28 p.m. GMT+0".
  it("a sign-in link to a customer no browser has given a zone expires on their accounts' clock", async () => {
    const db = getDb();
    const n = () => `ACC-${crypto.randomInt(100000, 999999)}`;
    const cdmx = await createAccount(db, {
      number: n(),
      name: 'Consultorio Roma',
      country: 'MX',
      timeZone: 'America/Mexico_City',
    });
    const madrid = await createAccount(db, {
      number: n(),
      name: 'Clínica Sol',
      country: 'ES',
      timeZone: 'Europe/Madrid',
    });
    const member = async (email: string, accounts: string[]) => {
      const u = await createUser(
        db,
        { email, role: 'customer', account: accounts[0], password: 'harbour lantern granite violet' },
        3,
      );
      for (const number of accounts.slice(1)) {
        const a = await db.customerAccount.findUniqueOrThrow({ where: { number } });
        await db.membership.create({ data: { userId: u.id, accountId: a.id } });
      }
      return u;
    };
    const one = await member(`roma-${dialect}@consultorio.example`, [cdmx.number]);
    const two = await member(`dos-${dialect}@consultorio.example`, [cdmx.number, madrid.number]);
    cookieLocale = 'es';
    for (const u of [one, two])
      expect(await requestSignInLink(u.email, '/', meta)).toMatchObject({ ok: true });
    await mail.deliver();
    // Mexico City has kept UTC-6 all year since 2022 (its DST ended by law).
    expect(mail.smtp.to(one.email).at(-1)!.text).toMatch(/GMT-6/);
    // Accounts in two zones: no one of them is the reader's; UTC as before.
    expect(mail.smtp.to(two.email).at(-1)!.text).not.toMatch(/GMT-6|GMT\+1/);
  });
});
