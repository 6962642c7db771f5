import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { describe, expect, it } from 'vitest';
import { CustomerLocalTime } from '@/components/staff/customer-local-time';
import { LikelihoodHint } from '@/components/staff/likelihood-hint';
import { TheirCallTime } from '@/components/staff/their-call-time';
import { CATALOGUES } from '@/lib/i18n/translate';
import { misdialLikelihood } from '@/lib/requests/misdial-likelihood';
import { formatWhen, sameWallClock } from '@/lib/time/format';

// A tester (2026-12-07) played customers in Tijuana and Santiago and an agent in Madrid. The staff
// request page's call table read only the agent's clock ("7 dic 2026, 8:52:13 (GMT+1)") while the
// customer spoke of "the call late on Sunday the 6th"; the misdial evidence read "dom, 01:30" for two
// different calls an hour apart (Tijuana's clocks went back that night); an allowance request showed
// no customer clock at all (8:53 in Madrid was 4:53 in Santiago); and "Su hora local" read as the
// agent's own. Each piece as the page renders it, for an agent whose zone is Europe/Madrid.

const AGENT_ZONE = 'Europe/Madrid';
const TIJUANA = 'America/Tijuana';
// The hour repeated as Tijuana's clocks go back (US rules): 01:30 PDT, then 01:30 PST.
const FIRST_0130 = new Date('2026-11-01T08:30:00Z');
const SECOND_0130 = new Date('2026-11-01T09:30:00Z');
// 23:52 on Sunday 6 December in Tijuana, 8:52 on Monday 7 December in Madrid.
const LATE_SUNDAY = new Date('2026-12-07T07:52:13Z');

/** The words of `node` as an agent in `zone` reading `locale` sees them. */
function words(node: ReactNode, locale: 'en' | 'es', zone = AGENT_ZONE): string {
  return renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: zone, children: node }),
  )
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

describe('the staff call table: each call on the agent’s clock and the customer’s', () => {
  it('the late Sunday call reads 8:52 on Monday 7 for the agent and 23:52 on Sunday 6 for the customer', () => {
    // The table's own line (components/ui/when.tsx, the viewer's zone) is unchanged; a time with
    // seconds has no brackets round its zone, as one without (lib/time/format.ts formatWithSeconds).
    expect(formatWhen(LATE_SUNDAY, AGENT_ZONE, { locale: 'es', seconds: true })).toBe(
      '7 dic 2026, 8:52:13 GMT+1',
    );
    expect(words(h(TheirCallTime, { at: LATE_SUNDAY, timeZone: TIJUANA }), 'es')).toBe(
      'Hora del cliente: dom, 6 dic, 23:52:13 GMT-8',
    );
    expect(words(h(TheirCallTime, { at: LATE_SUNDAY, timeZone: TIJUANA }), 'en')).toBe(
      'Customer’s time: Sun, Dec 6, 11:52:13 PM GMT-8',
    );
  });

  it('the repeated hour reads as two moments, 1:30 GMT-7 and 1:30 GMT-8', () => {
    const es = [FIRST_0130, SECOND_0130].map((at) =>
      words(h(TheirCallTime, { at, timeZone: TIJUANA }), 'es'),
    );
    expect(es).toEqual([
      'Hora del cliente: dom, 1 nov, 1:30:00 GMT-7',
      'Hora del cliente: dom, 1 nov, 1:30:00 GMT-8',
    ]);
    const en = [FIRST_0130, SECOND_0130].map((at) =>
      words(h(TheirCallTime, { at, timeZone: TIJUANA }), 'en'),
    );
    expect(en).toEqual([
      'Customer’s time: Sun, Nov 1, 1:30:00 AM GMT-7',
      'Customer’s time: Sun, Nov 1, 1:30:00 AM GMT-8',
    ]);
  });

  it('no second line where the agent’s clock is the customer’s at that moment', () => {
    expect(words(h(TheirCallTime, { at: LATE_SUNDAY, timeZone: 'Europe/Paris' }), 'es')).toBe('');
    expect(words(h(TheirCallTime, { at: LATE_SUNDAY, timeZone: TIJUANA }), 'en', TIJUANA)).toBe('');
    // Algiers keeps CET all year: Madrid's clock in winter, an hour behind it in summer.
    expect(sameWallClock(LATE_SUNDAY, 'Africa/Algiers', AGENT_ZONE)).toBe(true);
    const summer = new Date('2026-07-01T10:00:00Z');
    expect(sameWallClock(summer, 'Africa/Algiers', AGENT_ZONE)).toBe(false);
    expect(words(h(TheirCallTime, { at: summer, timeZone: 'Africa/Algiers' }), 'en')).toBe(
      'Customer’s time: Wed, Jul 1, 11:00:00 AM GMT+1',
    );
  });
});

describe('the misdial evidence names the call’s offset', () => {
  /** The hint of a Tijuana account whose one call was at `at`, as the agent reads it. */
  const hint = (at: Date, locale: 'en' | 'es') =>
    words(
      h(LikelihoodHint, {
        id: 'hint',
        likelihood: misdialLikelihood({
          accountCountry: 'MX',
          timeZone: TIJUANA,
          reason: 'high_risk_destination',
          calls: [
            {
              id: 'c1',
              at,
              to: '+252611234567',
              durationSec: 0,
              sipUsername: 'tj-1',
              sourceIp: '198.51.100.7',
            },
          ],
        }),
      }),
      locale,
    );

  it('the two calls at 01:30 that Sunday read GMT-7 and GMT-8, in Spanish and English', () => {
    expect(hint(FIRST_0130, 'es')).toContain(
      'En contra: Una llamada se hizo cuando una oficina suele estar vacía: dom, 01:30 GMT-7 (zona horaria: Tijuana).',
    );
    expect(hint(SECOND_0130, 'es')).toContain(
      'En contra: Una llamada se hizo cuando una oficina suele estar vacía: dom, 01:30 GMT-8 (zona horaria: Tijuana).',
    );
    expect(hint(FIRST_0130, 'en')).toContain(
      'A call was made at Sun, 01:30 GMT-7 (Tijuana time), when an office is usually empty.',
    );
    expect(hint(SECOND_0130, 'en')).toContain(
      'A call was made at Sun, 01:30 GMT-8 (Tijuana time), when an office is usually empty.',
    );
  });
});

describe('the customer’s clock beside a callback (unblock and allowance requests alike)', () => {
  // The Santiago customer's allowance request, opened by the agent at 8:53 in Madrid.
  const opened = new Date('2026-12-07T07:53:00Z');
  const clock = (locale: 'en' | 'es', timeZone = 'America/Santiago') =>
    words(h('dl', null, h(CustomerLocalTime, { timeZone, now: opened })), locale);

  it('says 4:53 a.m. in Santiago, outside office hours, labelled as the customer’s', () => {
    expect(clock('es')).toBe(
      'Hora local del cliente lun, 7 dic 2026, 4:53 GMT-3 (zona horaria: Chile) · fuera del horario laboral (de lunes a viernes, de 8:00 a 18:00)',
    );
    expect(clock('en')).toBe(
      'Customer’s local time Mon, Dec 7, 2026, 4:53 AM GMT-3 (Chile time) · outside business hours (Monday to Friday, 8:00–18:00)',
    );
  });

  it('the Tijuana customer at the same moment: still Sunday night', () => {
    expect(clock('es', TIJUANA)).toContain('Hora local del cliente dom, 6 dic 2026, 23:53 GMT-8');
  });

  it('an unknown zone says so, and no clock', () => {
    expect(clock('en', 'Nowhere/Else')).toBe('Customer’s local time unknown (Nowhere/Else)');
  });
});
