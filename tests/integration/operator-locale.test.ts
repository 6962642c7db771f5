import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createUser } from '@/lib/accounts/commands';
import { userOfSession } from '@/lib/auth/session';
import { adoptBrowserLocale, chooseLocale } from '@/lib/i18n/preference';
import { resolveLocale } from '@/lib/i18n/locales';
import { readAuditDetail } from '@/lib/staff/audit-detail';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { runAdmin } from '@/tests/helpers/admin-cli';

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
    expect(await createdDetail(u.id)).toMatchObject({ role: 'customer', locale: 'es', localeChosen: true });

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
    expect(await createdDetail(u.id)).toMatchObject({ locale: 'es', localeChosen: false });

    const user = await signIn(u.id);
    expect(user).toMatchObject({ locale: 'es', localeChosen: false });
    expect(englishBrowser(user)).toBe('en');
    expect(await adoptBrowserLocale(u.id, 'en')).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: u.id } })).locale).toBe('en');

    const staff = await createUser(db, { email: 'max@tollgate.example', role: 'agent', password }, 3);
    expect(staff).toMatchObject({ locale: 'en', localeSource: 'default', localeChosenAt: null });
  });

  it('the audit table says whether the operator set the language', async () => {
    const pat = await getDb().user.findUniqueOrThrow({ where: { email: 'pat@pier.example' } });
    const row = await getDb().auditLog.findFirstOrThrow({
      where: { action: 'user.created', targetId: pat.id },
    });
    const shown = readAuditDetail(row.action, row.detail);
    expect(shown?.kind === 'fields' && shown.fields.find((f) => f.key === 'localeChosen')).toEqual({
      key: 'localeChosen',
      label: 'languageSetByOperator',
      value: { kind: 'yesNo', value: true },
    });
  });
});

// The CLI's line says which (SQLite only, as tests/integration/demo-and-admin.test.ts's process tests:
// the output does not depend on the database).
describe('create-user’s output line', () => {
  beforeAll(async () => {
    await useFreshDb('sqlite');
    await createAccount(getDb(), { number: 'ACC-7611', name: 'Taller', country: 'AR', timeZone: 'UTC' });
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
  }, 60_000);
});
