import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Countdown, countdownText, countdownWords } from '@/components/allowance/countdown';
import { pickMessages } from '@/lib/i18n/client-messages';
import { CATALOGUES } from '@/lib/i18n/translate';

// An allowance in force shows the time left (components/allowance/countdown.tsx), formatted in the
// browser with the catalogue's plurals: with 60–119 s left the Spanish page said "quedan 1 min".
// Each text is a sentence of its own: the block page shows it after the allowance's status sentence,
// and the Spanish one read "…hasta el 8 dic 2026, 3:31 a.m. GMT-6. quedan 47 h 59 min" (tester).

const messages = (locale: 'en' | 'es') => pickMessages(CATALOGUES[locale], ['allowance.countdown']);
const MIN = 60_000;
const text = (locale: string, catalogue: 'en' | 'es', leftMs: number) =>
  countdownText(countdownWords(locale, messages(catalogue)), leftMs);

describe('the allowance countdown', () => {
  it.each(['es', 'es-MX', 'es-ES', 'es-AR'])('agrees in number in Spanish (%s)', (locale) => {
    for (let s = 60; s < 120; s++) expect(text(locale, 'es', s * 1000), `${s} s`).toBe('Queda 1 min.');
    expect(text(locale, 'es', 2 * MIN)).toBe('Quedan 2 min.');
    expect(text(locale, 'es', 59 * MIN + 59_999)).toBe('Quedan 59 min.');
    expect(text(locale, 'es', 3 * 60 * MIN + 59 * MIN)).toBe('Quedan 3 h 59 min.');
    expect(text(locale, 'es', 59_999)).toBe('Queda menos de un minuto.');
    expect(text(locale, 'es', 0)).toBe('Se acabó el plazo: a la espera de que nuestra central lo termine.');
  });
  it.each(['en', 'en-US', 'en-GB'])('reads in English (%s)', (locale) => {
    expect(text(locale, 'en', 90_000)).toBe('1 min left.');
    expect(text(locale, 'en', 2 * MIN)).toBe('2 min left.');
    // e2e/13-allowances.spec.ts reads a four-hour allowance as "3 h 5x min left." or "4 h 0 min left.".
    expect(text(locale, 'en', 4 * 60 * MIN)).toBe('4 h 0 min left.');
    expect(text(locale, 'en', 30_000)).toBe('Less than a minute left.');
    expect(text(locale, 'en', -1)).toBe('Time is up: waiting for our phone system to end it.');
  });
  it.each([
    ['es-MX', 'es'],
    ['en', 'en'],
  ] as const)('reads as a sentence of its own after the status sentence (%s)', (locale, catalogue) => {
    for (const leftMs of [-1, 0, 30_000, 90_000, 5 * MIN, 47 * 60 * MIN + 59 * MIN]) {
      const words = text(locale, catalogue, leftMs);
      expect(words, words).toMatch(/^[\p{Lu}\p{Nd}].*\.$/u);
    }
  });
  it('renders the server’s first text from `now`, with the page’s locale and the messages it is handed', () => {
    const now = '2026-12-05T10:00:00.000Z';
    const until = '2026-12-05T10:01:30.000Z';
    expect(
      renderToStaticMarkup(h(Countdown, { until, now, locale: 'es-MX', messages: messages('es') })),
    ).toBe('<span role="timer" class="font-semibold tabular-nums">Queda 1 min.</span>');
    expect(
      renderToStaticMarkup(h(Countdown, { until, now, locale: 'en', messages: messages('en') })),
    ).toContain('>1 min left.<');
  });
});
