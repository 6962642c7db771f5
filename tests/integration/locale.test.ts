import { describe, expect, it } from 'vitest';
import { intlTag, negotiateLocale, resolveLocale } from '@/lib/i18n/locales';

// Which language a person reads Tollgate in, and that mail follows it: a customer who switches to
// Spanish gets the next email in Spanish, over real SMTP. The browser side (header control,
// Accept-Language, <html lang>) is e2e/14-spanish.spec.ts.

const { getDb } = await import('@/lib/server/db');
const { adoptBrowserLocale, chooseLocale } = await import('@/lib/i18n/preference');
const { queueMailToMembers } = await import('@/lib/mail/queue');
const { dialects } = await import('@/tests/helpers/db');
const { makeAccount, makeBlock } = await import('@/tests/helpers/factory');
const { mailSuite } = await import('@/tests/helpers/mail-suite');
const en = (await import('@/messages/en.json')).default;
const es = (await import('@/messages/es.json')).default;

const meta = { ip: '198.51.100.7', userAgent: 'vitest' };

describe('choosing the language', () => {
  it('Accept-Language: q-values count, a regional Spanish matches es, an unknown language matches nothing', () => {
    expect(negotiateLocale('es-MX,es;q=0.9,en;q=0.5')).toBe('es');
    expect(negotiateLocale('en-GB;q=0.4, es-AR;q=0.8')).toBe('es');
    expect(negotiateLocale('fr-FR, de;q=0.5')).toBeNull();
    expect(negotiateLocale('')).toBeNull();
    expect(negotiateLocale(null)).toBeNull();
  });
  it('Accept-Language without es or en: the languages of Spain and Latin America read Spanish', () => {
    // What Chrome and Firefox send when set to Catalan, Basque, Galician…: no "es" in the list.
    for (const header of [
      'ca-ES,ca;q=0.9',
      'ca',
      'eu-ES,eu;q=0.9',
      'gl',
      'ast',
      'an-ES',
      'ca-AD',
      'qu-PE',
      'qu',
    ])
      expect(negotiateLocale(header), header).toBe('es');
    for (const header of ['gn', 'ay-BO', 'arn-CL', 'yua']) expect(negotiateLocale(header), header).toBe('es');
    // A region whose likely language is English gives English; so does nothing at all.
    expect(negotiateLocale('fr-CA')).toBe('en');
    for (const header of ['pt-BR', 'pt', 'fr', 'de-CH', 'oc', 'ja', 'nah'])
      expect(negotiateLocale(header), header).toBeNull();
    // The reader's order counts, and a language of ours named anywhere wins over a regional reading.
    expect(negotiateLocale('pt-BR,ca;q=0.5')).toBe('es');
    expect(negotiateLocale('ca-ES,ca;q=0.9,en;q=0.3')).toBe('en');
    expect(negotiateLocale('fr-CA,ca;q=0.5')).toBe('en');
    expect(resolveLocale({ acceptLanguage: 'eu-ES' })).toBe('es');
  });
  it('intlTag: the Intl tag of a page locale, English for anything else', () => {
    expect([intlTag('en'), intlTag('es'), intlTag('fr'), intlTag('')]).toEqual([
      'en-US',
      'es',
      'en-US',
      'en-US',
    ]);
  });
  it('the saved choice wins, then this browser’s cookie, then Accept-Language, then English', () => {
    expect(
      resolveLocale({ user: { locale: 'es', localeChosen: true }, cookie: 'en', acceptLanguage: 'en' }),
    ).toBe('es');
    // A user who never chose: User.locale only echoes the browser, so it does not decide the page.
    expect(resolveLocale({ user: { locale: 'es', localeChosen: false }, acceptLanguage: 'en-US' })).toBe(
      'en',
    );
    expect(resolveLocale({ cookie: 'es', acceptLanguage: 'en-US' })).toBe('es');
    expect(resolveLocale({ cookie: 'xx', acceptLanguage: 'es-ES' })).toBe('es');
    expect(resolveLocale({ acceptLanguage: 'ja' })).toBe('en');
    expect(resolveLocale({})).toBe('en');
  });
});

describe.each(dialects())('mail in the recipient’s language on %s', (dialect) => {
  const mail = mailSuite(dialect);
  const { deliver } = mail;

  async function blockNotice(accountId: string) {
    const block = await makeBlock(accountId, {
      placedAt: new Date('2026-11-25T09:14:03Z'),
      calls: [{ sipUsername: 'x', to: '+4930123456', durationSec: 3, at: new Date('2026-11-25T09:13:58Z') }],
    });
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, accountId, 'block_notice', { blockId: block.id }),
    );
    await deliver();
  }

  it('a customer who switches to Spanish gets the next email in Spanish; the one before was English', async () => {
    const email = `es-switch-${dialect}@t.example`;
    const { account, users } = await makeAccount({ members: [email] });
    const label = `${account.name} (${account.number})`;
    await blockNotice(account.id);
    const first = mail.smtp.to(email).at(-1)!;
    expect(first.subject).toBe(en.mail.blockNotice.subject.replace('{account}', label));
    expect(first.html).toContain('<html lang="en">');
    expect(first.text).toContain('Germany');

    const user = {
      id: users[0].id,
      email,
      name: null,
      role: 'customer' as const,
      timeZone: 'Europe/Madrid',
      locale: 'en',
      localeChosen: false,
      sessionId: 's',
      mfaEnrolled: false,
      mfaVerified: false,
    };
    await chooseLocale(user, 'es', meta);
    await getDb().user.update({ where: { id: user.id }, data: { timeZone: 'Europe/Madrid' } });
    await blockNotice(account.id);
    const next = mail.smtp.to(email).at(-1)!;
    expect(next.subject).toBe(es.mail.blockNotice.subject.replace('{account}', label));
    expect(next.html).toContain('<html lang="es">');
    // The country by Intl.DisplayNames, the time in Spanish with the zone named, the steps from the catalogue.
    expect(next.text).toContain('A +49 30 123456 (Alemania)');
    expect(next.text).toContain('25 nov 2026, 10:14 CET');
    expect(next.text).toContain(es.mail.blockNotice.whatToDo);
    expect(next.text).not.toContain(en.mail.blockNotice.whatToDo);
    // No PROVIDER_NAME configured: the provider is named in the recipient's language too.
    expect(first.text).toContain(en.mail.providerDefault);
    expect(next.text).toContain(es.mail.providerDefault);
    expect(next.text).not.toContain(en.mail.providerDefault);
    // …as a signature; inside a sentence the catalogue's own wording, not the default as a name (review 10).
    expect(first.text).toContain('in the customer portal of your VoIP provider.');
    expect(next.text).toContain('en el portal de clientes de su proveedor de VoIP.');
    expect(
      await getDb().auditLog.count({ where: { action: 'profile.locale_changed', actorId: user.id } }),
    ).toBe(1);
  });

  it('the browser’s language is adopted for mail only until the user chooses one', async () => {
    const { users } = await makeAccount();
    const id = users[0].id;
    expect(await adoptBrowserLocale(id, 'es')).toBe(true);
    expect(await adoptBrowserLocale(id, 'es')).toBe(false);
    expect(await adoptBrowserLocale(id, 'xx')).toBe(false);
    expect((await getDb().user.findUniqueOrThrow({ where: { id } })).locale).toBe('es');
    const user = {
      id,
      email: users[0].email,
      name: null,
      role: 'customer' as const,
      timeZone: 'UTC',
      locale: 'es',
      sessionId: 's',
      mfaEnrolled: false,
      mfaVerified: false,
    };
    await chooseLocale(user, 'en', meta);
    expect(await adoptBrowserLocale(id, 'es')).toBe(false);
    expect(await getDb().user.findUniqueOrThrow({ where: { id } })).toMatchObject({
      locale: 'en',
      localeChosenAt: expect.any(Date),
    });
  });
});
