import { NextIntlClientProvider } from 'next-intl';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { UnsettledLine, UnsettledNotice } from '@/components/sip/unsettled';
import { busyStill } from '@/lib/credentials/change-state';
import { CATALOGUES } from '@/lib/i18n/translate';
import { formatWhen } from '@/lib/time/format';
import { text } from '@/tests/helpers/intl-markup';

// The dashboard kept saying "Set a new one from 10:42:06" after 10:42:06, until the next change: the
// busy time of a change the switch answered by asking to wait (busyUntilOf) was shown whatever the
// time of the render. Now each line compares it with the request's time (next-intl's useNow: the
// server's clock at render; here, the provider's `now`), and once it has come says what is true then:
// not known to be in force, and a new password can be set now, in the words of a change answered
// with an error.

const sent = new Date('2026-12-08T10:41:20.000Z');
const until = new Date('2026-12-08T10:42:06.000Z');
const before = new Date(until.getTime() - 1000);
const after = new Date(until.getTime() + 60_000);

/** The words of `node` rendered in `locale` at `now` (times in UTC), as a page's request renders them. */
const words = (node: ReactNode, locale: 'en' | 'es', now: Date) =>
  text(
    renderToStaticMarkup(
      h(NextIntlClientProvider, {
        locale,
        messages: CATALOGUES[locale],
        timeZone: 'UTC',
        now,
        children: node,
      }),
    ),
  ).trim();

const shown = (locale: 'en' | 'es') => formatWhen(until, 'UTC', { seconds: true, locale });

describe('busyStill', () => {
  it('keeps the busy time while it is ahead, and drops it from that second on', () => {
    expect(busyStill(until, before)).toEqual(until);
    expect(busyStill(until, new Date(until.getTime() - 1))).toEqual(until);
    expect(busyStill(until, until)).toBeUndefined();
    expect(busyStill(until, after)).toBeUndefined();
    expect(busyStill(null, before)).toBeUndefined();
    expect(busyStill(undefined, before)).toBeUndefined();
  });
});

describe.each([
  [
    'en',
    {
      lineBusy: `Set a new one from ${shown('en')}.`,
      lineOver: CATALOGUES.en.dashboard.unsettledError,
      noticeBusy: `Set a new password from ${shown('en')} to be sure which one is in force.`,
      noticeOver: 'Set a new password now to be sure which one is in force.',
      noticeOverStart: 'Our phone system answered a change of this password on',
      from: / from /,
    },
  ],
  [
    'es',
    {
      lineBusy: `Ponga una nueva desde el ${shown('es')}.`,
      lineOver: CATALOGUES.es.dashboard.unsettledError,
      noticeBusy: `Ponga una contraseña nueva desde el ${shown('es')} para saber con certeza cuál está en vigor.`,
      noticeOver: 'Ponga ahora una contraseña nueva para saber con certeza cuál está en vigor.',
      noticeOverStart: 'Nuestra central respondió con un error a un cambio de esta contraseña hecho el',
      from: / desde el /,
    },
  ],
] as const)('a busy answer, in %s, before and after its time', (locale, w) => {
  const line = h(UnsettledLine, { cause: 'error_answer', busyUntil: until });
  const notice = h(UnsettledNotice, {
    unsettled: { kind: 'unknown', at: sent, cause: 'error_answer', busyUntil: until },
  });

  it('the dashboard line says from when before it, and no time once it has come', () => {
    expect(words(line, locale, before)).toContain(w.lineBusy);
    for (const now of [until, after]) {
      const over = words(line, locale, now);
      expect(over).toBe(w.lineOver);
      expect(over).not.toContain(shown(locale));
    }
    // The same words as a change answered with another error, which never was busy.
    expect(words(h(UnsettledLine, { cause: 'error_answer' }), locale, after)).toBe(w.lineOver);
  });

  it('the reset page notice says from when before it, and "now" once it has come', () => {
    expect(words(notice, locale, before)).toContain(w.noticeBusy);
    for (const now of [until, after]) {
      const over = words(notice, locale, now);
      expect(over.startsWith(w.noticeOverStart)).toBe(true);
      expect(over).toContain(w.noticeOver);
      expect(over).not.toContain(shown(locale));
      expect(over).not.toMatch(w.from);
      // The words of a change the switch answered with an error and no wait.
      expect(over).toBe(
        words(
          h(UnsettledNotice, { unsettled: { kind: 'unknown', at: sent, cause: 'error_answer' } }),
          locale,
          now,
        ),
      );
    }
  });
});
