import { createElement as h, type ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { ChangePasswordForm } from '@/components/change-password-form';
import type { FormAction } from '@/components/ui/action-form';
import { translator } from '@/lib/i18n/translate';
import { generatedLengthFor } from '@/lib/passwords/generate';
import { assessPassword, passphraseWordsFor } from '@/lib/passwords/strength';
import { renderAnswered } from '@/tests/helpers/posted-form';

// A tester (2026-12): the SIP reset form said "Or type your own: at least 12 characters…", and a random
// 12-character password, Xk7pQ2mZ9wLr, was "Weak… cracked in 2 minutes; not accepted": the server asks
// for 10^SIP_PASSWORD_MIN_GUESSES_LOG10 guesses, which length alone does not give. The hint now says
// what passes, from the configured minimum: a passphrase of passphraseWordsFor(min) unusual words, or
// generatedLengthFor(min) random letters and digits (app/credentials/[id]/reset/page.tsx). The portal
// form's hint names the meter level PASSWORD_MIN_SCORE asks for.

const inputs = ['ACC-1001', 'Acme Dental', 'acme-reception', 'dana@acme.example'];
const sip = (min: number) => ({ userInputs: inputs, username: 'acme-reception', sipMinGuessesLog10: min });

/** The reset hint as the page renders it for a rule of 10^`min` guesses, as plain text. */
function resetHint(locale: 'en' | 'es', min: number): string {
  const t = translator(locale);
  const node = t.rich('reset.hint', {
    chars: ': ; @',
    mono: (c: ReactNode) => c,
    guesses: t('password.powerOfTen', { exp: min }),
    words: passphraseWordsFor(min),
    length: generatedLengthFor(min),
  });
  return (Array.isArray(node) ? node : [node]).join('');
}

/** Words of zxcvbn's own English list at fixed ranks (2 000 to 20 000), four letters or more: "unusual" ones. */
const lists = (await import('zxcvbn/lib/frequency_lists.js' as string)) as {
  default?: { english_wikipedia: string[] };
  english_wikipedia?: string[];
};
const WORDS = (lists.default?.english_wikipedia ?? lists.english_wikipedia!)
  .slice(2000, 20_000)
  .filter((w) => w.length >= 4 && /^[a-z]+$/.test(w));

/** `n` words of WORDS, every `step`-th from `start`, joined by hyphens: deterministic, no two alike. */
const passphrase = (n: number, start: number, step = 997) =>
  Array.from({ length: n }, (_, i) => WORDS[(start + i * step) % WORDS.length]).join('-');

/** `n` letters and digits drawn by a fixed linear congruential sequence (the same every run). */
function randomish(n: number, seed: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let x = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

describe('the SIP password hint says what the server accepts', () => {
  it('a random 12-character password, what "at least 12 characters" promised, is refused', () => {
    expect(assessPassword('Xk7pQ2mZ9wLr', sip(18)).acceptable).toBe(false);
  });

  it.each([14, 18, 24])(
    'for 10^%i guesses: the passphrases and random passwords it describes pass',
    (min) => {
      const words = passphraseWordsFor(min);
      const length = generatedLengthFor(min);
      for (let start = 0; start < 40; start++) {
        const phrase = passphrase(words, start * 131);
        expect(assessPassword(phrase, sip(min)).acceptable, phrase).toBe(true);
        const drawn = randomish(length, start + 1);
        expect(assessPassword(drawn, sip(min)).acceptable, drawn).toBe(true);
      }
    },
  );

  it('states those numbers and the minimum in words, in English and Spanish, and points to Generate', () => {
    expect([passphraseWordsFor(18), generatedLengthFor(18)]).toEqual([5, 21]);
    const en = resetHint('en', 18);
    expect(en).toContain('a quintillion guesses');
    expect(en).toContain('a passphrase of 5 or more unusual words');
    expect(en).toContain('21 or more random letters and digits');
    expect(en).toContain('“Generate strong password” does that for you.');
    expect(en).not.toMatch(/at least 12 characters/);
    const es = resetHint('es', 18);
    expect(es).toContain('un trillón de intentos');
    expect(es).toContain('una frase de 5 o más palabras poco comunes');
    expect(es).toContain('21 o más letras y números al azar');
    expect(es).toContain('«Generar una contraseña robusta» lo hace por usted.');
    // A stricter provider's rule changes the numbers the hint gives.
    expect(resetHint('en', 30)).toContain(
      'of 8 or more unusual words joined by hyphens, or 33 or more random',
    );
  });
});

describe('the portal password hint says what the server accepts', () => {
  const hint = async (minScore: number) => {
    const html = await renderAnswered((action: FormAction) =>
      h(ChangePasswordForm, { action, userInputs: ['dana@acme.example'], minScore, idempotencyKey: 'k' }),
    );
    return /<p id="[^"]*-hint"[^>]*>([^<]*)<\/p>/.exec(html)?.[1] ?? html;
  };

  it('names the meter level PASSWORD_MIN_SCORE asks for, not length alone', async () => {
    expect(await hint(3)).toBe(
      'At least 12 characters, and hard to guess: the meter below must reach “Strong”. Length alone is not enough; three or four unrelated words work well.',
    );
    expect(await hint(4)).toContain('must reach “Very strong”');
    // Twelve characters the old hint allowed, which the server refuses at the default score.
    expect(assessPassword('password1234', { userInputs: [], minScore: 3 }).acceptable).toBe(false);
  });
});
