import { describe, expect, it } from 'vitest';
import { generatePassword } from '@/lib/passwords/generate';
import { assessPassword, contextWords, estimateInput, judgePassword } from '@/lib/passwords/strength';

// The account's own words (NIST SP 800-63B context words) for customers in Spain and Latin America: a
// company name is split into whole words, accented letters included, and each word also counts without
// its accents. An accented letter used to split a word ("Clínica" gave "nica"), so "Monica-…" was
// refused for a clinic's account while "Clinica-…" passed.

const CLINIC = ['ACC-1001', 'Clínica Dental Peñalara', 'penalara-recepcion', 'dana@penalara.example'];
const portal = { userInputs: CLINIC, minScore: 3 };
const sip = { userInputs: CLINIC, username: 'penalara-recepcion', sipMinGuessesLog10: 18 };
const refusedForContext = (password: string, rule: Parameters<typeof assessPassword>[1]) =>
  assessPassword(password, rule).problems.some((p) => p.key === 'password.problem.contextWords');

/** Company names of the provider's customers, with the whole words they hold (accent-free ones too). */
const COMPANIES: [name: string, words: string[]][] = [
  ['Clínica Dental Peñalara', ['clínica', 'clinica', 'dental', 'peñalara', 'penalara']],
  ['Telefónica Móviles México', ['telefónica', 'telefonica', 'móviles', 'moviles', 'méxico', 'mexico']],
  ['Taller Mecánica Güemes', ['taller', 'mecánica', 'mecanica', 'güemes', 'guemes']],
  ['Asesoría Jurídica Núñez', ['asesoría', 'asesoria', 'jurídica', 'juridica', 'núñez', 'nunez']],
  ['Química Andina S.A.C.', ['química', 'quimica', 'andina']],
  ['Centro Médico Ñuñoa', ['centro', 'médico', 'medico', 'ñuñoa', 'nunoa']],
  ['Calçats Sabadell', ['calçats', 'calcats', 'sabadell']],
];

describe('contextWords', () => {
  it('splits a name into whole words, accented letters included', () => {
    expect(contextWords(['ACC-1001', 'Clínica Dental Peñalara'])).toEqual(
      expect.arrayContaining(['clínica', 'clinica', 'dental', 'peñalara', 'penalara']),
    );
    for (const [name, words] of COMPANIES) {
      const got = contextWords([name]);
      expect(got, name).toEqual(expect.arrayContaining(words));
      // Nothing but the whole name and its words: no fragment such as "nica", "alara", "dica", "mica".
      const whole = name.toLowerCase();
      for (const w of got.filter((w) => w !== whole && !w.includes(' ')))
        expect(words, `${name}: ${w}`).toContain(w);
    }
  });
  it('reads a name typed decomposed (a letter and a combining mark) as the same words', () => {
    expect(contextWords(['Cli\u0301nica Pen\u0303alara'])).toEqual(
      expect.arrayContaining(['clínica', 'clinica', 'peñalara', 'penalara']),
    );
    expect(contextWords(['Cli\u0301nica'])).not.toContain('nica');
  });
  it('gives zxcvbn both spellings as user inputs', () => {
    expect(estimateInput('x', CLINIC).userInputs).toEqual(
      expect.arrayContaining(['clínica', 'clinica', 'peñalara', 'penalara']),
    );
  });
});

describe('a password with the account’s words, with or without accents', () => {
  it('is not refused for a fragment of an accented word', () => {
    for (const rule of [portal, sip]) {
      for (const p of ['Monica-Tuesday-Plum-Harbor', 'Veronica-Harbor-Quartz-91', 'Alara-Kettle-Quartz-91'])
        expect(refusedForContext(p, rule), p).toBe(false);
      expect(assessPassword('Monica-Tuesday-Plum-Harbor', rule).acceptable).toBe(true);
    }
    // The meter's level is not capped at Weak for it.
    expect(assessPassword('Monica-Tuesday-Plum-Harbor', portal).score).toBeGreaterThan(1);
    const chemist = { userInputs: ['Química Andina S.A.C.'], minScore: 3 };
    expect(refusedForContext('Comical-Harbor-Quartz-91', chemist)).toBe(false);
  });
  it('is refused for a word written with its accents, without them, or decomposed', () => {
    for (const p of [
      'Clinica-Tuesday-Plum-Harbor',
      'Clínica-Tuesday-Plum-Harbor',
      'Cli\u0301nica-Tuesday-Plum-Harbor',
      'Tuesday-PENALARA-Plum-91',
      'Tuesday-Peñalara-Plum-91',
    ]) {
      expect(refusedForContext(p, portal), p).toBe(true);
      expect(assessPassword(p, portal).score, p).toBeLessThanOrEqual(1);
    }
    // A name stored without its accents still catches the accented spelling in the password.
    const plain = { userInputs: ['Clinica Dental Penalara'], minScore: 3 };
    expect(refusedForContext('Tuesday-Peñalara-Plum-91', plain)).toBe(true);
    expect(refusedForContext('Clínica-Tuesday-Plum-Harbor', plain)).toBe(true);
    // ü and ç fold to u and c.
    expect(refusedForContext('Guemes-Harbor-Quartz-91', { userInputs: ['Taller Güemes'], minScore: 3 })).toBe(
      true,
    );
    expect(
      refusedForContext('Calcats-Harbor-Quartz-91', { userInputs: ['Calçats Sabadell'], minScore: 3 }),
    ).toBe(true);
  });
  it('gets the same verdict on the server (judgePassword on an estimate) as in the meter', () => {
    const estimate = {
      score: 4 as const,
      guesses_log10: 20,
      crack_times_seconds: {
        offline_fast_hashing_1e10_per_second: 1e10,
        offline_slow_hashing_1e4_per_second: 1e16,
      },
      feedback: { warning: '', suggestions: [] },
    };
    const judged = (p: string) =>
      judgePassword(p, portal, estimate).problems.some((n) => n.key === 'password.problem.contextWords');
    for (const p of [
      'Monica-Tuesday-Plum-Harbor',
      'Clinica-Tuesday-Plum-Harbor',
      'Cli\u0301nica-Tuesday-Plum',
    ])
      expect(judged(p), p).toBe(refusedForContext(p, portal));
  });
});

describe('generatePassword with the account’s words', () => {
  it('never draws a word the server would refuse, accent-free forms included', () => {
    const avoid = contextWords(['Clínica Peñalara']);
    for (let i = 0; i < 200; i++) {
      const p = generatePassword(20, false, avoid);
      expect(refusedForContext(p, { userInputs: ['Clínica Peñalara'], minScore: 0 }), p).toBe(false);
    }
    // One letter is drawn in about half of the draws: an "ñ" to avoid must keep every "n" out.
    for (let i = 0; i < 200; i++) expect(generatePassword(20, false, ['Ñ']).toLowerCase()).not.toContain('n');
  });
});
