import { beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { getDb } from '@/lib/server/db';
import { form, session } from '@/tests/helpers/action-edge';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';

// Issue 15: the time-zone form answers in the user's language, through the real action wrapper.
// The session and the request headers are the edge (Next's cookies() and headers() exist only in a request).

const { chooseTimeZoneAction } = await import('@/lib/time/actions');

describe.each(dialects())('the time-zone form in the user’s language on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  async function user(locale: 'en' | 'es'): Promise<CurrentUser> {
    const u = await getDb().user.create({ data: { email: uniqueEmail('tz', 'test.example'), locale } });
    return asUser(u);
  }

  it('a Spanish user is told in Spanish; an unknown zone changes nothing', async () => {
    session.user = await user('es');
    expect(await chooseTimeZoneAction(undefined, form({ timeZone: 'America/Mexico_City' }))).toEqual({
      ok: true,
      message: 'Ahora las horas se muestran en esta zona horaria: Ciudad de México.',
    });
    expect(await chooseTimeZoneAction(undefined, form({ timeZone: 'Mars/Olympus' }))).toEqual({
      ok: false,
      message: 'Elija una zona horaria de la lista.',
      fieldErrors: { timeZone: ['Elija una zona horaria de la lista.'] },
      // Echoed (the form shows it only when it is one of the list's zones: components/time-zone-form.tsx).
      values: { timeZone: 'Mars/Olympus' },
    });
    expect(await chooseTimeZoneAction(undefined, form({ timeZone: '' }))).toMatchObject({
      fieldErrors: { timeZone: ['Elija una zona horaria de la lista.'] },
    });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: session.user.id } })).timeZone).toBe(
      'America/Mexico_City',
    );
  });

  it('an English user reads the same in English', async () => {
    session.user = await user('en');
    expect(await chooseTimeZoneAction(undefined, form({ timeZone: 'Asia/Tokyo' }))).toEqual({
      ok: true,
      message: 'Times are now shown in Japan time.',
    });
  });

  // An input tester (2026-12): choosing UTC answered "Times are now shown in UTC time.".
  it('UTC is said as UTC, in each language', async () => {
    session.user = await user('en');
    expect(await chooseTimeZoneAction(undefined, form({ timeZone: 'UTC' }))).toEqual({
      ok: true,
      message: 'Times are now shown in UTC.',
    });
    session.user = await user('es');
    expect(await chooseTimeZoneAction(undefined, form({ timeZone: 'Etc/UTC' }))).toEqual({
      ok: true,
      message: 'Ahora las horas se muestran en UTC.',
    });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: session.user.id } })).timeZone).toBe('UTC');
  });

  // The zone is stored under its canonical name (lib/time/format.ts canonicalTimeZone: ICU ignores
  // case and knows aliases); the answer named what was posted instead, "europe/london" (break-15).
  it('names the zone as it is stored, not as it was posted', async () => {
    session.user = await user('en');
    expect(await chooseTimeZoneAction(undefined, form({ timeZone: 'europe/london' }))).toEqual({
      ok: true,
      message: 'Times are now shown in United Kingdom time.',
    });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: session.user.id } })).timeZone).toBe(
      'Europe/London',
    );
  });
});
