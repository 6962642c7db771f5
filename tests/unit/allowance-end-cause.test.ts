import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { describe, expect, it } from 'vitest';
import { AllowanceStatus } from '@/components/allowance/block-allowances';
import type { Locale } from '@/lib/i18n/locales';
import { CATALOGUES } from '@/lib/i18n/translate';
import { allowanceMail } from '@/lib/mail/templates/allowance';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';

// Found by a tester (2026-12-06): Olga's Somalia allowance (6 h) was ended by Tollgate a minute after
// it started, because the switch placed a new block; the members were mailed "Calls to Somalia (SO)
// are blocked again… ended on 2:29 PM" and the block page said "the allowance ended on 2:29 PM. Calls
// there are blocked again." Neither said why, though the end's reason is stored (`endReason`, which
// the staff pages word). The mail and the block page's line now say it, in the same words, for an
// office manager: it ran out, support ended it early, it was removed on the switch, a new block was
// placed (fraud again), the block it was granted under was lifted.

/** Each stored reason (lib/allowances/operations.ts EndReason) and how the reader is told, in each language. */
const WHY: Record<string, Record<Locale, string>> = {
  expired: { en: 'It ran out at its end time.', es: 'Se agotó su plazo a la hora prevista.' },
  ended_by_staff: {
    en: 'Support ended it before its end time.',
    es: 'Soporte lo finalizó antes de la hora prevista.',
  },
  ended_on_switch: {
    en: 'It was removed in our phone system before its end time.',
    es: 'Se retiró en nuestra central antes de la hora prevista.',
  },
  new_block: {
    en: 'It was ended early because a new block was placed on the account: our fraud monitoring saw suspicious calls again.',
    es: 'Se finalizó antes de tiempo porque se aplicó un nuevo bloqueo a la cuenta: nuestra vigilancia antifraude volvió a detectar llamadas sospechosas.',
  },
  block_lifted: {
    en: 'It was ended because the block it was granted under was lifted.',
    es: 'Se finalizó porque se levantó el bloqueo con el que se concedió.',
  },
};
const EVERY_WHY = Object.values(WHY).flatMap((w) => Object.values(w));
/** Stored values with no words of their own: none, a grant given up, a refusal's switch error. */
const WORDLESS = [null, 'gave_up', 'country_not_allowed: allowances to SO need a contract amendment'];

const ctx = (locale: Locale): MailContext => ({
  t: mailTranslator(locale, 'US'),
  provider: null,
  support: 'help@voice.example',
  appUrl: 'https://portal.example',
  timeZone: 'America/New_York',
  locale,
  region: 'US',
});

const ended = (endReason: string | null, locale: Locale) =>
  allowanceMail(
    'ended',
    {
      recipient: { name: 'Mona' },
      account: { name: 'Brightside Dental', number: 'ACC-TB01' },
      allowance: {
        country: 'SO',
        until: new Date('2026-12-07T01:28:00Z'),
        endedAt: new Date('2026-12-06T19:29:00Z'),
        endReason,
        createdAt: new Date('2026-12-06T19:20:00Z'),
        blockId: 'blk1',
        reason: 'Our supplier in Mogadishu.',
      },
      asker: { is: 'member', email: 'olga@brightside.example' },
      staff: false,
    },
    ctx(locale),
  ).text.replace(/\s+/g, ' ');

/** The block page's line for an allowance of `status` that ended for `endReason`, as `locale` reads it. */
const line = (status: string, endReason: string | null, locale: Locale, endingSince: Date | null = null) =>
  renderToStaticMarkup(
    h(NextIntlClientProvider, {
      locale,
      messages: CATALOGUES[locale],
      timeZone: 'UTC',
      children: h(AllowanceStatus, {
        allowance: { status, hours: 6, denial: null, endingSince, stillOnSwitch: null, endReason },
        country: 'Somalia (SO)',
        until: 'UNTIL',
        endedAt: 'ENDED',
      }),
    }),
  ).replace(/<[^>]+>/g, '');

describe.each(['en', 'es'] as const)('why an allowance ended, in %s', (locale) => {
  it.each(Object.keys(WHY))('%s: the allowance_ended mail says why, once', (reason) => {
    const text = ended(reason, locale);
    expect(text).toContain(WHY[reason]![locale]);
    expect(EVERY_WHY.filter((w) => text.includes(w))).toEqual([WHY[reason]![locale]]);
  });

  it.each(Object.keys(WHY))('%s: the block page’s line of an ended allowance says why', (reason) => {
    for (const status of ['ended', 'endedUnblocked', 'endedRenewed']) {
      const text = line(status, reason, locale);
      expect(text).toContain('ENDED');
      expect(text.endsWith(` ${WHY[reason]![locale]}`)).toBe(true);
    }
  });

  it('a reason with no words of its own adds nothing, to the mail or the page', () => {
    for (const reason of WORDLESS) {
      const text = ended(reason, locale);
      expect(EVERY_WHY.filter((w) => text.includes(w))).toEqual([]);
      expect(line('ended', reason, locale)).toBe(line('ended', null, locale));
    }
  });

  it('an end the switch has not confirmed, or an allowance in force, is not said to have ended for a reason', () => {
    // Being removed (its DELETE still waits for the switch): not "ended", so no "why it ended" yet.
    const ending = line('ended', 'new_block', locale, new Date());
    expect(EVERY_WHY.filter((w) => ending.includes(w))).toEqual([]);
    expect(EVERY_WHY.filter((w) => line('active', 'new_block', locale).includes(w))).toEqual([]);
  });
});

it('the tester’s case, as the office manager reads it on the page', () => {
  expect(line('ended', 'new_block', 'en')).toBe(
    'Somalia (SO): the allowance ended on ENDED. Calls there are blocked again. It was ended early because a new block was placed on the account: our fraud monitoring saw suspicious calls again.',
  );
});
