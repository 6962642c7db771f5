import { describe, expect, it } from 'vitest';
import { rotationStep } from '@/components/block/explanation';
import { translator } from '@/lib/i18n/translate';
import type { Locale } from '@/lib/i18n/locales';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';

// The customer is told the truth about what changing the passwords brings (DESIGN.md "Re-enabling
// after a password reset"): for a block reason the admins' lift policy says needs a person, neither
// the block page (components/block/explanation.tsx) nor the block notice promises that international
// calling comes back by itself; both say the passwords must still be changed and that support reviews
// the account and lifts the block.

const AUTOMATIC = /autom[aá]tic/;
const REVIEW = {
  en: 'our support team reviews the account and lifts the block',
  es: 'nuestro equipo de soporte revisará la cuenta y levantará el bloqueo',
} as const;

/** A block in force, two passwords named, none changed yet, no trunk, no other block. */
const state = (over: Partial<Parameters<typeof rotationStep>[0]> = {}) => ({
  actionable: true,
  manual: false,
  liftRefused: false,
  unknownNames: false,
  otherOpen: false,
  pending: 2,
  changed: 0,
  needsPerson: false,
  ...over,
});
/** Both named passwords changed. */
const allRotated = { pending: 0, changed: 2 };

describe('the block page’s password step', () => {
  it('promises calling back by itself only for a reason that needs no person', () => {
    expect(rotationStep(state())).toBe('rotate');
    expect(rotationStep(state({ needsPerson: true }))).toBe('rotateReview');
  });

  it('once every password is changed and the block is still in force, says support reviews it, not to change them again', () => {
    expect(rotationStep(state({ ...allRotated, needsPerson: true }))).toBe('rotatedReview');
    expect(rotationStep(state({ ...allRotated, needsPerson: true, otherOpen: true }))).toBe('rotatedReview');
    // Held under a stricter policy than today's, with nothing else open: it waits in support's list.
    expect(rotationStep(state(allRotated))).toBe('rotatedReview');
    // The switch refused the lift: support was told (unchanged).
    expect(rotationStep(state({ ...allRotated, liftRefused: true, needsPerson: true }))).toBe(
      'rotatedStillBlocked',
    );
    // Another block of the account is open and this reason needs no person: nothing more for this
    // block, and calling comes back once that one is lifted too (the page names it beside this), no
    // longer "change the passwords" of passwords already changed.
    expect(rotationStep(state({ ...allRotated, otherOpen: true }))).toBe('rotatedOtherOpen');
  });

  it('says nothing of passwords for support’s own block or a block no longer in force, and no promise beside a trunk', () => {
    expect(rotationStep(state({ manual: true, needsPerson: true }))).toBeNull();
    expect(rotationStep(state({ actionable: false }))).toBeNull();
    expect(rotationStep(state({ pending: 0 }))).toBeNull();
    expect(rotationStep(state({ unknownNames: true, needsPerson: true }))).toBe('rotateOnly');
    // Every password changed, the trunk left: that the passwords are done (the trunk's sentence follows).
    expect(rotationStep(state({ ...allRotated, unknownNames: true }))).toBe('rotatedTrunk');
  });

  it.each(['en', 'es'] as const)(
    'in %s, the words for a reason that needs a person promise no automatic return',
    (locale) => {
      const t = translator(locale);
      for (const count of [1, 2]) {
        const text = t.markup('block.explain.rotateReview', {
          count,
          credentials: () => 'Reception desk (acme-reception)',
        });
        expect(text).toContain('acme-reception');
        expect(text).toContain(REVIEW[locale]);
        expect(text).not.toMatch(AUTOMATIC);
      }
      const after = t('block.explain.rotatedReview');
      expect(after).toContain(REVIEW[locale]);
      expect(after).not.toMatch(AUTOMATIC);
      // The default words still say it comes back by itself.
      expect(t.markup('block.explain.rotate', { count: 1, credentials: () => 'X (x)' })).toMatch(AUTOMATIC);
    },
  );
});

describe('the block notice’s password step', () => {
  const ctx = (locale: Locale): MailContext => ({
    t: mailTranslator(locale),
    locale,
    provider: 'Example Voice',
    support: '+1 212 555 0100 / help@voice.example',
    appUrl: 'https://portal.example',
    timeZone: 'America/New_York',
  });
  const notice = (locale: Locale, needsPerson?: boolean, credentials = 1) =>
    blockNotice(
      {
        recipient: { email: 'omar@harbor.example', name: null },
        account: { name: 'Harbor Logistics', number: 'ACC-2001', country: 'US' },
        block: { id: 'blk2', reason: 'hotspot_source_ip', placedAt: new Date('2026-11-25T09:14:03Z') },
        calls: ['harbor-trunk', 'harbor-desk']
          .slice(0, credentials)
          .map((sipUsername) => ({
            at: new Date('2026-11-25T09:13:58Z'),
            sipUsername,
            to: '+252611234567',
            sourceIp: '185.220.101.47',
            durationSec: 0,
          })),
        credentials: [
          { username: 'harbor-trunk', label: 'PBX trunk' },
          { username: 'harbor-desk', label: 'Front desk' },
        ],
        link: null,
        ...(needsPerson === undefined ? {} : { needsPerson }),
      },
      ctx(locale),
    );

  it.each(['en', 'es'] as const)(
    'in %s, for a reason that needs a person: change the passwords, and support reviews and lifts',
    (locale) => {
      for (const count of [1, 2]) {
        const m = notice(locale, true, count);
        for (const body of [m.text, m.html]) {
          expect(body).toContain('harbor-trunk');
          expect(body).toContain(REVIEW[locale]);
          expect(body).not.toMatch(AUTOMATIC);
        }
      }
    },
  );

  it('by default (and when the reason needs no person) it still says calling comes back by itself', () => {
    expect(notice('en').text).toContain('international calling comes back automatically once it is changed.');
    expect(notice('en', false).text).toContain(
      'international calling comes back automatically once it is changed.',
    );
    expect(notice('es', false).text).toContain('automáticamente');
  });
});
