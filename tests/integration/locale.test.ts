import { describe, expect, it } from 'vitest';
import {
  ACCEPT_LANGUAGE_MAX,
  browserRegion,
  catalogueLocale,
  formatTag,
  intlTag,
  negotiateLocale,
  resolveLocale,
} from '@/lib/i18n/locales';

// Which language a person reads Tollgate in, and that mail follows it: a customer who switches to
// Spanish gets the next email in Spanish, over real SMTP. The browser side (header control,
// Accept-Language, <html lang>) is e2e/14-spanish.spec.ts.

const { getDb } = await import('@/lib/server/db');
const { adoptBrowserLocale, chooseLocale } = await import('@/lib/i18n/preference');
const { queueMailToMembers } = await import('@/lib/mail/queue');
const { dialects } = await import('@/tests/helpers/db');
const { makeAccount, makeBlock } = await import('@/tests/helpers/factory');
const { mailSuite } = await import('@/tests/helpers/mail-suite');
const { translator } = await import('@/lib/i18n/translate');
const { mailTranslator } = await import('@/lib/mail/templates/context');
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
    // A page's locale is its formatting tag (formatTag): kept as it is when its language is ours.
    expect([intlTag('es-MX'), intlTag('en-GB'), intlTag('es-419'), intlTag('fr-FR'), intlTag('*')]).toEqual([
      'es-MX',
      'en-GB',
      'es-419',
      'en-US',
      'en-US',
    ]);
  });
  it('catalogueLocale: the catalogue a formatting tag is written in', () => {
    expect(['es-MX', 'es', 'en-GB', 'en', 'es-419', 'fr-FR', 'pt', '', '*'].map(catalogueLocale)).toEqual([
      'es',
      'es',
      'en',
      'en',
      'es',
      'en',
      'en',
      'en',
      'en',
    ]);
  });
});

describe('formatting for the reader’s country', () => {
  it('formatTag: the first region CLDR writes the language in, else the language’s default', () => {
    expect(formatTag('es', ['MX'])).toBe('es-MX');
    expect(formatTag('es', ['mx'])).toBe('es-MX');
    expect(formatTag('es', [null, 'AR'])).toBe('es-AR');
    expect(formatTag('es', ['419'])).toBe('es-419');
    // An area (UN M.49) says less than a country: an es-419 browser on an Argentine, Chilean or
    // Colombian account writes that country's 2.345, not es-419's 2,345 (review, session 34).
    expect(formatTag('es', ['419', 'AR'])).toBe('es-AR');
    expect(formatTag('es', ['419', 'CL'])).toBe('es-CL');
    expect(formatTag('es', ['419', null])).toBe('es-419');
    expect(formatTag('es', ['MX', '419'])).toBe('es-MX');
    expect(formatTag('es', ['US'])).toBe('es-US');
    expect(formatTag('en', ['GB'])).toBe('en-GB');
    // No Spanish of France nor English of Mexico in CLDR: the next region, then the default; for
    // English of a country CLDR has none of, world English (day first), not US English (tester,
    // 2026-12: a Brazilian account read "Dec 7, 2026, 4:56 AM").
    expect(formatTag('es', ['FR', 'CO'])).toBe('es-CO');
    expect(formatTag('en', ['MX'])).toBe('en-001');
    // The first country decides, as a mail (the account's country) reads it: a Brazilian account in
    // a US browser is not written in US English on the page and world English in the mail.
    expect(formatTag('en', ['BR', 'US'])).toBe('en-001');
    expect(formatTag('en', [null, 'US'])).toBe('en-US');
    expect(formatTag('en', ['BR'])).toBe('en-001');
    expect(formatTag('en', ['US'])).toBe('en-US');
    expect(formatTag('en', ['419'])).toBe('en-US');
    for (const bad of ['', 'x', 'MEX', '<script>']) expect(formatTag('en', [bad]), bad).toBe('en-US');
    expect(formatTag('es', ['AD'])).toBe('es');
    expect(formatTag('es', [])).toBe('es');
    expect(formatTag('en', [undefined])).toBe('en-US');
    // Not a region at all (a header may send anything): skipped, never thrown.
    for (const bad of ['', 'x', 'MEX', '1', 'M-X', '<script>', 'ES\u0000'])
      expect(formatTag('es', [bad]), bad).toBe('es');
  });
  it('each Spanish-speaking country of the provider’s customers has its own formats, as its readers write them', () => {
    // The whole kind: every country whose likely language is Spanish (CLDR), and what a reader there sees.
    const at = new Date('2026-11-25T21:14:03Z');
    const seen = new Map<string, string>();
    for (const region of [
      'AR',
      'BO',
      'CL',
      'CO',
      'CR',
      'CU',
      'DO',
      'EC',
      'ES',
      'GQ',
      'GT',
      'HN',
      'MX',
      'NI',
      'PA',
      'PE',
      'PR',
      'PY',
      'SV',
      'US',
      'UY',
      'VE',
    ]) {
      const tag = formatTag('es', [region]);
      expect(tag, region).toBe(`es-${region}`);
      const f = new Intl.DateTimeFormat(tag, { hour: 'numeric', timeZone: 'UTC' });
      seen.set(region, `${f.format(at)} ${new Intl.NumberFormat(tag).format(1234.5)}`);
    }
    // Mexico, the United States, Peru and Central America: 12-hour clocks and 1,234.5; Spain: 21 h and 1234,5.
    expect(seen.get('MX')).toMatch(/^9 p\.\s?m\. 1,234\.5$/);
    expect(seen.get('US')).toMatch(/^9 p\.\s?m\. 1,234\.5$/);
    expect(seen.get('ES')).toBe('21 1234,5');
    expect(seen.get('AR')).toMatch(/^9 p\.\s?m\. 1\.234,5$/);
    expect(formatTag('es', ['MX'])).not.toBe(formatTag('es', []));
  });
  it('the translator counts as the region writes numbers: 1,234 in Mexico, 1234 in Spain', () => {
    const count = { count: 1234 };
    expect(translator('es', formatTag('es', ['MX']))('history.suspiciousCalls', count)).toBe(
      '1,234 llamadas sospechosas',
    );
    expect(translator('es', formatTag('es', ['ES']))('history.suspiciousCalls', count)).toBe(
      '1234 llamadas sospechosas',
    );
    // Argentina groups the thousands of a four-digit number too.
    expect(translator('es', formatTag('es', ['AR']))('history.suspiciousCalls', count)).toBe(
      '1.234 llamadas sospechosas',
    );
    expect(translator('es', formatTag('es', ['AR']))('history.suspiciousCalls', { count: 12345 })).toBe(
      '12.345 llamadas sospechosas',
    );
    expect(mailTranslator('es', 'MX')('history.suspiciousCalls', count)).toBe('1,234 llamadas sospechosas');
  });
  it('reads only the first ACCEPT_LANGUAGE_MAX characters of a header a client made huge', () => {
    const filler = Array.from({ length: 1300 }, (_, i) => `x${i % 10}-AA;q=0.5`).join(',');
    expect(filler.length).toBeGreaterThan(ACCEPT_LANGUAGE_MAX * 40);
    // Past the limit, a language of ours is not seen, however high its q-value.
    expect(negotiateLocale(`${filler},es-MX;q=1`)).toBeNull();
    expect(browserRegion(`${filler},es-MX;q=1`, 'es')).toBeNull();
    // Within it, as before: what a browser sends is always far shorter.
    expect(negotiateLocale(`es-MX,fr-FR;q=0.1,${filler}`)).toBe('es');
    expect(browserRegion(`es-MX,${filler}`, 'es')).toBe('MX');
  });
  it('browserRegion: the region of the reader’s first language of the page’s', () => {
    expect(browserRegion('es-MX,es;q=0.9,en-US;q=0.8', 'es')).toBe('MX');
    expect(browserRegion('es-MX,es;q=0.9,en-US;q=0.8', 'en')).toBe('US');
    expect(browserRegion('es,es-AR;q=0.9', 'es')).toBe('AR');
    expect(browserRegion('en-GB;q=0.5,es-CL', 'es')).toBe('CL');
    expect(browserRegion('es-419', 'es')).toBe('419');
    expect(browserRegion('es', 'es')).toBeNull();
    expect(browserRegion('ca-ES,ca;q=0.9', 'es')).toBeNull();
    expect(browserRegion('*', 'es')).toBeNull();
    expect(browserRegion('', 'es')).toBeNull();
    expect(browserRegion(null, 'es')).toBeNull();
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
    await getDb().customerAccount.update({ where: { id: account.id }, data: { country: 'ES' } });
    const label = `${account.name} (${account.number})`;
    await blockNotice(account.id);
    const first = mail.smtp.to(email).at(-1)!;
    expect(first.subject).toBe(en.mail.blockNotice.subject.replace('{account}', label));
    // English of Spain (CLDR en-ES): the account's country.
    expect(first.html).toContain('<html lang="en-ES">');
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
    expect(next.html).toContain('<html lang="es-ES">');
    // The country by Intl.DisplayNames, the time in Spanish with the zone named, the steps from the catalogue.
    expect(next.text).toContain('A +49 30 123456 (Alemania)');
    expect(next.text).toContain('25 nov 2026, 10:14 GMT+1');
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

  it('mail is written for the account’s country: Mexico’s 12-hour clock, Spain’s 24-hour one', async () => {
    const seen: Record<string, { lang: string; text: string }> = {};
    for (const [country, locale, zone] of [
      ['MX', 'es', 'America/Mexico_City'],
      ['ES', 'es', 'Europe/Madrid'],
      ['GB', 'en', 'Europe/London'],
      ['US', 'en', 'America/New_York'],
      ['AD', 'es', 'Europe/Andorra'],
    ] as const) {
      const email = `fmt-${country}-${dialect}@t.example`;
      const { account } = await makeAccount({ members: [email] });
      await getDb().customerAccount.update({ where: { id: account.id }, data: { country } });
      await getDb().user.update({
        where: { email },
        data: { locale, timeZone: zone, timeZoneChosenAt: new Date() },
      });
      await blockNotice(account.id);
      const m = mail.smtp.to(email).at(-1)!;
      seen[country] = { lang: /<html lang="([^"]+)">/.exec(m.html)![1], text: m.text };
    }
    expect(seen.MX.lang).toBe('es-MX');
    expect(seen.MX.text).toMatch(/25 nov 2026, 3:14\sa\.\s?m\. GMT-6/);
    expect(seen.ES.lang).toBe('es-ES');
    expect(seen.ES.text).toContain('25 nov 2026, 10:14 GMT+1');
    expect(seen.GB.lang).toBe('en-GB');
    expect(seen.GB.text).toContain('25 Nov 2026, 09:14 GMT');
    expect(seen.US.lang).toBe('en-US');
    expect(seen.US.text).toMatch(/Nov 25, 2026, 4:14\sAM GMT-5/);
    // CLDR has no Spanish of Andorra: the language's default, Spain's formats.
    expect(seen.AD.lang).toBe('es');
    expect(seen.AD.text).toContain('25 nov 2026, 10:14 GMT+1');
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
