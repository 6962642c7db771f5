import zxcvbn from 'zxcvbn';
import commonWords from '@zxcvbn-ts/language-es-es/dist/commonWords.json.mjs';
import lastNames from '@zxcvbn-ts/language-es-es/dist/lastnames.json.mjs';
import { describe, expect, it } from 'vitest';
import { installLanguageDictionaries, withoutAccents } from '@/lib/passwords/dictionaries.mjs';
import { assessPassword, estimate } from '@/lib/passwords/strength';

// Spanish words in zxcvbn's dictionaries (lib/passwords/dictionaries.mjs): what a Spanish speaker's
// password is made of is guessed as a word, not as random letters, by the meter and the server alike.

/** The one dictionary match zxcvbn finds for a whole password, after `estimate` installed the lists. */
function soleMatch(password: string) {
  estimate('', []);
  const { sequence } = zxcvbn(password);
  expect(sequence, password).toHaveLength(1);
  return sequence[0] as zxcvbn.ZXCVBNSequence & {
    dictionary_name: string;
    rank: number;
    matched_word: string;
  };
}

const rankOf = (list: string[], word: string) => list.indexOf(word) + 1;

describe('Spanish word lists in zxcvbn', () => {
  it('ranks a Spanish word by its frequency, as zxcvbn ranks its own', () => {
    // None of these is in zxcvbn's own lists as a whole word ("mariposa" is: its passwords list's 3644th).
    for (const word of ['contraseña', 'corazón', 'escuela', 'primavera', 'cumpleaños', 'madrugada']) {
      const m = soleMatch(word);
      expect(m).toMatchObject({
        pattern: 'dictionary',
        matched_word: word,
        dictionary_name: 'english_wikipedia',
      });
      expect(m.rank, word).toBe(rankOf(commonWords, word));
    }
  });

  it('knows each word without its accents and tilde, at the rank of the accented word', () => {
    expect(withoutAccents('contraseña')).toBe('contrasena');
    expect(withoutAccents('pingüino')).toBe('pinguino');
    expect(withoutAccents('Ñandú')).toBe('Nandu');
    // The subtitles also spell "corazon" without its accent, far down the list (rank 8466): the
    // accented word's rank (312) is the one an attacker's list gives both.
    expect(soleMatch('corazon').rank).toBe(rankOf(commonWords, 'corazón'));
    expect(soleMatch('CONTRASENA')).toMatchObject({
      matched_word: 'contrasena',
      rank: rankOf(commonWords, 'contraseña'),
    });
  });

  it('leaves a word where zxcvbn ranks it lower, and leaves out the shortest words', () => {
    // "mariposa" is the Spanish list's 8277th and zxcvbn's passwords list's 3644th.
    expect(soleMatch('mariposa')).toMatchObject({ dictionary_name: 'passwords', rank: 3644 });
    // "hotel" is in English Wikipedia's list and in the Spanish one.
    expect(soleMatch('hotel').rank).toBeLessThanOrEqual(rankOf(commonWords, 'hotel'));
    // "él" is the Spanish list's 51st word: two letters, left out (zxcvbn counts 50 guesses for any).
    expect(rankOf(commonWords, 'él')).toBe(51);
    estimate('', []);
    expect(zxcvbn('él').sequence.map((m) => m.pattern)).not.toContain('dictionary');
  });

  it('adds Spanish surnames to the names zxcvbn warns about', () => {
    // zxcvbn's US surnames have "fernandez" (208th); the Spanish list has it 4th.
    expect(soleMatch('fernandez')).toMatchObject({
      dictionary_name: 'surnames',
      rank: rankOf(lastNames, 'fernandez'),
    });
    // Neither a word nor a name to zxcvbn alone: brute force.
    expect(soleMatch('goicoechea')).toMatchObject({
      dictionary_name: 'surnames',
      rank: rankOf(lastNames, 'goicoechea'),
    });
    const portal = { userInputs: [], minScore: 3 };
    expect(assessPassword('Goicoechea', portal).warning).toEqual({
      key: 'password.feedback.namesByThemselves',
    });
    expect(assessPassword('Madrugada', portal).warning).toEqual({ key: 'password.feedback.wordByItself' });
  });

  it('refuses a portal password built on a Spanish word that zxcvbn alone rated Very strong', () => {
    // zxcvbn 4.4.2 without the lists: 10^11.15 guesses, score 4 (measured before this change).
    const a = assessPassword('Contraseña2024', { userInputs: [], minScore: 4 });
    expect(a.score).toBeLessThan(4);
    expect(a.guessesLog10).toBeLessThan(9);
    expect(a.acceptable).toBe(false);
  });

  it('is idempotent: a second install changes no rank', () => {
    installLanguageDictionaries();
    const before = soleMatch('mariposa').rank;
    installLanguageDictionaries();
    expect(soleMatch('mariposa').rank).toBe(before);
  });
});
