import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createTranslator } from 'next-intl';
import { describe, expect, it } from 'vitest';
import zxcvbn from 'zxcvbn';
import { crackTime, feedbackKey, ZXCVBN_FEEDBACK } from '@/lib/passwords/feedback';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

// zxcvbn's feedback is English text inside the library. Every sentence it can produce is read from its
// own source (zxcvbn 4.4.2, src/feedback.coffee): an upgrade that adds or rewords one fails here until
// the map and both catalogues have it.

const require = createRequire(import.meta.url);
const pkg = path.dirname(require.resolve('zxcvbn/package.json'));
const source = fs.readFileSync(path.join(pkg, 'src/feedback.coffee'), 'utf8');

/** Every string literal in the source that is a sentence (has a space), read left to right. */
function sentencesIn(coffee: string): string[] {
  const out = new Set<string>();
  const code = coffee
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n');
  for (const m of code.matchAll(/'([^'\n]*)'|"([^"\n]*)"/g)) {
    const s = m[1] ?? m[2];
    if (/\s/.test(s)) out.add(s);
  }
  return [...out];
}

describe('zxcvbn feedback in the catalogues', () => {
  const sentences = sentencesIn(source);

  it('reads the sentences from the library (the version this map was written for)', () => {
    expect(require(path.join(pkg, 'package.json')).version).toBe('4.4.2');
    expect(sentences.length).toBeGreaterThanOrEqual(25);
    expect(sentences).toContain('This is a top-10 common password');
  });

  it('every sentence zxcvbn can produce has a key, and every key a sentence', () => {
    expect(sentences.filter((s) => feedbackKey(s) === null)).toEqual([]);
    expect(Object.keys(ZXCVBN_FEEDBACK).filter((s) => !sentences.includes(s))).toEqual([]);
  });

  it('every key is in both catalogues', () => {
    for (const key of Object.values(ZXCVBN_FEEDBACK)) {
      expect(en.password.feedback, key).toHaveProperty(key);
      expect(es.password.feedback, key).toHaveProperty(key);
    }
  });

  it('what zxcvbn says for real passwords maps', () => {
    for (const p of [
      'password',
      'qwertyuiop',
      'aaaaaaa',
      'abcabcabc',
      'abcdefg',
      '2019',
      '12/25/1990',
      'P@ssw0rd',
      'drowssap',
      'Smith',
      'PASSWORD1',
      'correct',
    ]) {
      const { warning, suggestions } = zxcvbn(p).feedback;
      for (const s of [warning, ...suggestions].filter(Boolean))
        expect(feedbackKey(s), `${p}: ${s}`).not.toBeNull();
    }
  });

  it('crack times read as zxcvbn’s own in English, and in Spanish from the catalogue', () => {
    const te = require(path.join(pkg, 'lib/time_estimates.js')) as { display_time(s: number): string };
    const tEn = createTranslator({ locale: 'en', messages: en, namespace: 'password.time' });
    const show = (s: number, t: typeof tEn) => {
      const c = crackTime(s);
      return 'n' in c ? t(c.key, { n: c.n }) : t(c.key);
    };
    const samples = [
      0,
      0.5,
      1,
      1.4,
      59.4,
      59.6,
      60,
      90,
      3599,
      3600,
      5400,
      86_399,
      86_400,
      2_678_399,
      2_678_400,
      32_140_800,
      32_140_800 * 1.5,
      32_140_800 * 99,
      32_140_800 * 100,
      1e20,
    ];
    for (const s of samples) expect(show(s, tEn), String(s)).toBe(te.display_time(s));
    const tEs = createTranslator({ locale: 'es', messages: es as typeof en, namespace: 'password.time' });
    expect(show(1260, tEs)).toBe('21 minutos');
    expect(show(32_140_800, tEs)).toBe('1 año');
    expect(show(1e20, tEs)).toBe('siglos');
  });
});
