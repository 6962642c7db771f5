import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { asSentence, joinSentences } from '@/components/sip/sentences';
import { StrengthMeter } from '@/components/sip/strength-meter';
import { noteText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import type { Assessment } from '@/lib/passwords/strength';

// The strength meter's screen-reader verdict joined its sentences with ". ", and the catalogue ends
// some of them with a full stop of their own: "Use at least 12 characters.. The password must not…"
// (tester, session 42). Its visible advice mixed "…characters." with "Avoid sequences".

/** A refused SIP password's verdict: a problem that ends in a full stop, and zxcvbn's advice, which does not. */
const weak: Assessment = {
  score: 0,
  level: 0,
  guessesLog10: 3,
  crackTime: { key: 'password.time.lessThanSecond' },
  required: { key: 'password.required.guesses', values: { count: '10^18', gpu: 'about 3 years on one GPU' } },
  warning: { key: 'password.feedback.sequences' },
  suggestions: [{ key: 'password.feedback.addWord' }, { key: 'password.feedback.avoidSequences' }],
  problems: [
    { key: 'password.problem.tooShort', values: { min: 12 } },
    { key: 'password.problem.isUsername' },
  ],
  strongEnough: false,
  acceptable: false,
};

/** The texts of the meter's visible advice list, as rendered. */
function adviceShown(locale: 'en' | 'es'): string[] {
  const t = translate(locale);
  const html = renderToStaticMarkup(
    h(StrengthMeter, {
      assessment: weak,
      empty: false,
      attack: 'sip',
      words: { name: 'n', empty: 'e', checking: 'c' },
      t,
    }),
  );
  return [...html.matchAll(/<li>(.*?)<\/li>/g)].map((m) => m[1]);
}

describe('the strength meter’s sentences', () => {
  it('joins sentences so that each ends once, whether or not its message ends in a full stop', () => {
    expect(joinSentences(['Weak; not accepted', 'Use at least 12 characters.', 'Avoid sequences'])).toBe(
      'Weak; not accepted. Use at least 12 characters. Avoid sequences.',
    );
    // Other ends, and closing quotes after them, are ends too; blanks are left out.
    expect(joinSentences(['Is it «abc»?', ' ', 'Repeats like “aaa.”', 'Wait…'])).toBe(
      'Is it «abc»? Repeats like “aaa.” Wait…',
    );
    expect(asSentence('  Avoid dates  ')).toBe('Avoid dates.');
  });

  for (const locale of ['en', 'es'] as const)
    it(`reads each sentence once in ${locale}: the verdict a screen reader hears and the advice shown`, () => {
      const t = translate(locale);
      const parts = [...weak.problems, ...weak.suggestions].map((n) => noteText(t, n));
      // The catalogue really mixes both: what the meter must cope with.
      expect(parts.some((p) => p.endsWith('.'))).toBe(true);
      expect(parts.some((p) => !p.endsWith('.'))).toBe(true);
      const verdict = joinSentences([
        t('password.meter.valueText', { label: 'x', attack: 'sip', time: 'y' }),
        ...parts,
      ]);
      expect(verdict).not.toMatch(/\.\s*\./);
      expect(verdict.endsWith('.')).toBe(true);
      for (const p of parts) expect(verdict).toContain(asSentence(p));

      const shown = adviceShown(locale);
      expect(shown).toHaveLength(parts.length);
      for (const item of shown) expect(item).toMatch(/[^.]\.$/);
    });
});
