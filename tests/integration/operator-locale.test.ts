import crypto from 'node:crypto';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createTranslator } from 'use-intl/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuditDetailList, detailWords, type DetailWords } from '@/components/staff/audit-detail';
import { createAccount, createUser } from '@/lib/accounts/commands';
import { userOfSession } from '@/lib/auth/session';
import { adoptBrowserLocale, chooseLocale } from '@/lib/i18n/preference';
import { resolveLocale } from '@/lib/i18n/locales';
import type { Translate } from '@/lib/i18n/note';
import { readAuditDetail, type AuditDetail } from '@/lib/staff/audit-detail';
import { listAudit } from '@/lib/staff/audit-query';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { runAdmin } from '@/tests/helpers/admin-cli';
import { makeStaff } from '@/tests/helpers/factory';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

// An operator's explicit `create-user --locale` is the user's language until the user changes it
// (testers, 2026-12: a login created with --locale es got English pages, then English mail, from an
// English browser). A language derived from the account's country is a default that follows the
// browser. The pages' side: i18n/request.ts reads the session's user (userOfSession) and picks the
// language with resolveLocale (lib/i18n/request-locale.ts requestLocale); the header adopts the
// browser's language with adoptBrowserLocale (components/app-header.tsx).

const password = 'harbour lantern granite violet';
const meta = { ip: '198.51.100.7', userAgent: 'vitest' };

/** A signed-in session of `userId`, as the pages read it (lib/auth/session.ts userOfSession). */
async function signIn(userId: string) {
  const sessionToken = crypto.randomUUID();
  await getDb().session.create({ data: { sessionToken, userId, expires: new Date(Date.now() + 3_600_000) } });
  return (await userOfSession(sessionToken))!;
}

/** What an English browser with an English Language cookie is shown for `user` (i18n/request.ts). */
const englishBrowser = (user: { locale: string; localeChosen?: boolean }) =>
  resolveLocale({ user, cookie: 'en', acceptLanguage: 'en-US,en;q=0.9' });

async function createdDetail(userId: string) {
  const row = await getDb().auditLog.findFirstOrThrow({
    where: { action: 'user.created', targetId: userId },
  });
  return JSON.parse(row.detail!) as Record<string, unknown>;
}

describe.each(dialects())('the language create-user sets, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    const db = getDb();
    await createAccount(db, {
      number: 'ACC-7601',
      name: 'Pier',
      country: 'US',
      timeZone: 'America/New_York',
    });
    await createAccount(db, {
      number: 'ACC-7602',
      name: 'Clínica',
      country: 'ES',
      timeZone: 'Europe/Madrid',
    });
  });

  it('--locale is chosen: an English browser neither shows nor stores English, until the user changes it', async () => {
    const db = getDb();
    const u = await createUser(
      db,
      { email: 'pat@pier.example', role: 'customer', account: 'ACC-7601', password, locale: 'es' },
      3,
    );
    expect(u.localeSource).toBe('operator');
    expect(await db.user.findUniqueOrThrow({ where: { id: u.id } })).toMatchObject({
      locale: 'es',
      localeChosenAt: expect.any(Date),
    });
    expect(await createdDetail(u.id)).toMatchObject({
      role: 'customer',
      locale: 'es',
      localeSource: 'operator',
      localeChosen: true,
    });

    // First sign-in from an English browser: the pages are in Spanish, and the header stores nothing.
    const user = await signIn(u.id);
    expect(user).toMatchObject({ locale: 'es', localeChosen: true });
    expect(englishBrowser(user)).toBe('es');
    expect(await adoptBrowserLocale(u.id, 'en')).toBe(false);
    expect((await db.user.findUniqueOrThrow({ where: { id: u.id } })).locale).toBe('es');

    // The user's own choice stands over the operator's.
    await chooseLocale(user, 'en', meta);
    const after = await signIn(u.id);
    expect(after).toMatchObject({ locale: 'en', localeChosen: true });
    expect(resolveLocale({ user: after, cookie: 'es', acceptLanguage: 'es-ES' })).toBe('en');
  });

  it('without --locale the account’s country is a default: the browser replaces it', async () => {
    const db = getDb();
    const u = await createUser(
      db,
      { email: 'ana@clinica.example', role: 'customer', account: 'ACC-7602', password },
      3,
    );
    expect(u.localeSource).toBe('country');
    expect(await db.user.findUniqueOrThrow({ where: { id: u.id } })).toMatchObject({
      locale: 'es',
      localeChosenAt: null,
    });
    expect(await createdDetail(u.id)).toMatchObject({
      locale: 'es',
      localeSource: 'country',
      localeCountry: 'ES',
      localeChosen: false,
    });

    const user = await signIn(u.id);
    expect(user).toMatchObject({ locale: 'es', localeChosen: false });
    expect(englishBrowser(user)).toBe('en');
    expect(await adoptBrowserLocale(u.id, 'en')).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: u.id } })).locale).toBe('en');

    const staff = await createUser(db, { email: 'max@tollgate.example', role: 'agent', password }, 3);
    expect(staff).toMatchObject({ locale: 'en', localeSource: 'default', localeChosenAt: null });
  });

  it('the audit table says the operator set the language, once', async () => {
    const pat = await getDb().user.findUniqueOrThrow({ where: { email: 'pat@pier.example' } });
    const row = await getDb().auditLog.findFirstOrThrow({
      where: { action: 'user.created', targetId: pat.id },
    });
    const shown = readAuditDetail(row.action, row.detail);
    const fields = shown?.kind === 'fields' ? shown.fields : [];
    // `localeChosen`, still stored, is read into the one field: not a second "set by the operator".
    const about = ['localeSource', 'localeCountry', 'countryLanguage', 'localeChosen'];
    expect(fields.filter((f) => about.includes(f.key))).toEqual([
      { key: 'localeSource', label: 'languageFrom', value: { kind: 'languageFrom', source: 'operator' } },
    ]);
  });
});

/** The audit table's words for `detail`, as components/staff/audit-table.tsx makes them, as text: `|label|value|…`. */
function shownText(detail: AuditDetail, locale: 'en' | 'es'): string {
  const messages = locale === 'en' ? en : es;
  const tag = locale === 'en' ? 'en-US' : 'es-ES';
  const words: DetailWords = detailWords({
    staff: createTranslator({ locale: tag, messages, namespace: 'staff' }) as unknown as DetailWords['staff'],
    actors: createTranslator({ locale: tag, messages, namespace: 'actors' }),
    all: createTranslator({ locale: tag, messages }) as unknown as Translate,
    tag,
    timeZone: 'Europe/Madrid',
  });
  return renderToStaticMarkup(h(AuditDetailList, { detail, words }))
    .replace(/<[^>]+>/g, '|')
    .replace(/\|+/g, '|')
    .replaceAll('&#x27;', "'");
}

// Testers, 2026-12-07: the row said "Language set by the operator: no" and not whether the language
// came from the account's country or was the default, so nobody could tell later why a Chilean
// customer got Spanish and a Brazilian one English.
describe.each(dialects())('where a new login’s language came from, in the audit log, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    const db = getDb();
    await createAccount(db, {
      number: 'ACC-7621',
      name: 'Viña',
      country: 'CL',
      timeZone: 'America/Santiago',
    });
    await createAccount(db, {
      number: 'ACC-7622',
      name: 'Oficina',
      country: 'BR',
      timeZone: 'America/Sao_Paulo',
    });
  });

  it('is stored with each new login, and the staff audit log says it in English and Spanish', async () => {
    const db = getDb();
    const made = async (email: string, more: { role?: string; account?: string; locale?: string }) => {
      const u = await createUser(db, { email, role: 'customer', password, ...more }, 3);
      return { u, detail: await createdDetail(u.id) };
    };
    // The operator's --locale, on a Brazilian account: the country played no part, and is not stored.
    const op = await made('rui@oficina.example', { account: 'ACC-7622', locale: 'es' });
    expect(op.u).toMatchObject({ locale: 'es', localeSource: 'operator', countryLanguage: null });
    expect(op.detail).toMatchObject({ locale: 'es', localeSource: 'operator', localeChosen: true });
    expect(op.detail).not.toHaveProperty('localeCountry');
    expect(op.detail).not.toHaveProperty('countryLanguage');

    const cl = await made('ines@vina.example', { account: 'ACC-7621' });
    expect(cl.u).toMatchObject({ locale: 'es', localeSource: 'country', countryLanguage: null });
    expect(cl.detail).toMatchObject({
      locale: 'es',
      localeSource: 'country',
      localeCountry: 'CL',
      localeChosen: false,
    });
    expect(cl.detail).not.toHaveProperty('countryLanguage');

    // Brazil's language, Portuguese (CLDR's likely subtags: und-BR → pt), is not offered: the default.
    const br = await made('joao@oficina.example', { account: 'ACC-7622' });
    expect(br.u).toMatchObject({ locale: 'en', localeSource: 'default', countryLanguage: 'pt' });
    expect(br.detail).toMatchObject({
      locale: 'en',
      localeSource: 'default',
      localeCountry: 'BR',
      countryLanguage: 'pt',
      localeChosen: false,
    });

    // Staff have no account: the default, and nothing about a country.
    const staff = await made('vera@tollgate.example', { role: 'agent' });
    expect(staff.u).toMatchObject({ locale: 'en', localeSource: 'default', countryLanguage: null });
    expect(staff.detail).toMatchObject({ locale: 'en', localeSource: 'default', localeChosen: false });
    expect(staff.detail).not.toHaveProperty('localeCountry');
    expect(staff.detail).not.toHaveProperty('countryLanguage');

    // Rows written before the source was stored: only `localeChosen`.
    for (const [email, localeChosen] of [
      ['old-no@vina.example', false],
      ['old-yes@vina.example', true],
    ] as const)
      await db.auditLog.create({
        data: {
          action: 'user.created',
          actorEmail: 'operator-cli',
          detail: JSON.stringify({ email, role: 'customer', locale: 'es', localeChosen, host: 'ops1' }),
        },
      });

    // As the staff audit page reads them (lib/staff/audit-query.ts listAudit), then words them.
    const reader = await makeStaff({ role: 'admin' });
    const { entries } = await listAudit(reader, { action: 'user.created' });
    const shownFor = (email: string, locale: 'en' | 'es') => {
      const entry = entries.find(
        (e) =>
          e.detail?.kind === 'fields' &&
          e.detail.fields.some((f) => f.value.kind === 'email' && f.value.email === email),
      );
      expect(entry, email).toBeDefined();
      return shownText(entry!.detail, locale);
    };
    const languageFrom = (email: string, locale: 'en' | 'es') => {
      const text = shownFor(email, locale);
      const label = locale === 'en' ? 'Language from' : 'Origen del idioma';
      // One field says it: an old label beside it ("Language set by the operator") would be a second.
      expect(text.split(`|${label}|`).length - 1, `${email}: ${text}`).toBe(1);
      expect(text).not.toMatch(/Language set by the operator|Idioma fijado por el operador/);
      return text.match(new RegExp(`\\|${label}\\|([^|]*)\\|`))?.[1];
    };
    expect(languageFrom('rui@oficina.example', 'en')).toBe('the operator');
    expect(languageFrom('rui@oficina.example', 'es')).toBe('el operador');
    expect(languageFrom('ines@vina.example', 'en')).toBe("the account's country: Chile (CL)");
    expect(languageFrom('ines@vina.example', 'es')).toBe('el país de la cuenta: Chile (CL)');
    expect(languageFrom('joao@oficina.example', 'en')).toBe(
      "the default: Portuguese, the language of the account's country, Brazil (BR), is not offered",
    );
    expect(languageFrom('joao@oficina.example', 'es')).toBe(
      'el idioma predeterminado: no se ofrece portugués, el idioma del país de la cuenta, Brasil (BR)',
    );
    expect(languageFrom('vera@tollgate.example', 'en')).toBe('the default');
    expect(languageFrom('vera@tollgate.example', 'es')).toBe('el idioma predeterminado');
    // An old row: true was the operator's --locale; false does not say which of the other two.
    expect(languageFrom('old-yes@vina.example', 'en')).toBe('the operator');
    expect(languageFrom('old-no@vina.example', 'en')).toBe(
      "not the operator (the account's country or the default: this row does not say which)",
    );
    expect(languageFrom('old-no@vina.example', 'es')).toBe(
      'no fue el operador (fue el país de la cuenta o el idioma predeterminado: este registro no indica cuál)',
    );
    // The rest of an old row is read as before.
    expect(shownFor('old-no@vina.example', 'en')).toMatch(
      /\|Language\|Spanish\|.*\|Operator's machine\|ops1\|/,
    );
  });
});

// The CLI's line says which (SQLite only, as tests/integration/demo-and-admin.test.ts's process tests:
// the output does not depend on the database).
describe('create-user’s output line', () => {
  beforeAll(async () => {
    await useFreshDb('sqlite');
    await createAccount(getDb(), { number: 'ACC-7611', name: 'Taller', country: 'AR', timeZone: 'UTC' });
    await createAccount(getDb(), {
      number: 'ACC-7612',
      name: 'Oficina',
      country: 'BR',
      timeZone: 'America/Sao_Paulo',
    });
  });

  it('names a language from the account’s country, and a default, as replaced by the browser', () => {
    const run = (email: string, more: string[]) =>
      runAdmin(['create-user', '--email', email, '--role', 'customer', ...more], `${password}\n`);
    expect(run('luis@taller.example', ['--account', 'ACC-7611'])).toEqual({
      code: 0,
      out:
        "created user luis@taller.example (customer), language es, from the account's country: " +
        "the user's browser or own choice replaces it\n",
      err: '',
    });
    expect(run('kim@taller.example', []).out).toBe(
      "created user kim@taller.example (customer), language en, by default: the user's browser or own choice replaces it\n",
    );
    // Testers, 2026-12-07: a Brazilian account's user got English with no word of why.
    expect(run('joao@oficina.example', ['--account', 'ACC-7612'])).toEqual({
      code: 0,
      out:
        'created user joao@oficina.example (customer), language en, by default (Portuguese is not offered; ' +
        "English and Spanish are): the user's browser or own choice replaces it\n",
      err: '',
    });
  }, 90_000);
});
