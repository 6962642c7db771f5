import zxcvbn from 'zxcvbn';
import matching from 'zxcvbn/lib/matching.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  installPrunedDictionaryMatch,
  originalDictionaryMatch,
  prunedDictionaryMatchInstalled,
} from '@/lib/passwords/dictionary-match.mjs';
import { installLanguageDictionaries } from '@/lib/passwords/dictionaries.mjs';
import { generatePassword } from '@/lib/passwords/generate';

// The pruned matcher must change zxcvbn's cost and nothing else: every field of zxcvbn's answer the
// portal reads, and the match sequence behind it, equal the original's on the same input.
const USER_INPUTS = ['acme', 'reception', 'acme-reception', 'dana@acme.example', 'Acme Dental'];

function corpus(): string[] {
  const words = [
    'password',
    'Tr0ub4dor&3',
    'correcthorsebatterystaple',
    'P@ssw0rd!',
    'drowssap',
    'qwertyuiop',
  ];
  const out = [
    '',
    'a',
    'constructor',
    'CONSTRUCTOR1',
    '__proto__x',
    'acmereception2024',
    'noitpecerEMCA',
    'İstanbul-İzmir',
    'zxcvbnm,./asdf',
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    '4@8(3691|70$+%2'.repeat(4),
    ...words,
    words.join(''),
    words.join(' ').toUpperCase(),
  ];
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let k = 0; k < 150; k++) {
    const len = 1 + rand(64);
    out.push(generatePassword(Math.max(16, len), k % 2 === 0).slice(0, len));
    const w = words[rand(words.length)];
    out.push(
      `${generatePassword(16).slice(0, rand(8))}${w}${USER_INPUTS[rand(USER_INPUTS.length)]}${rand(10000)}`,
    );
  }
  return out;
}

const view = (r: zxcvbn.ZXCVBNResult) => ({
  score: r.score,
  guesses: r.guesses,
  guesses_log10: r.guesses_log10,
  crack_times_seconds: r.crack_times_seconds,
  feedback: r.feedback,
  sequence: r.sequence,
});

describe('pruned dictionary matcher', () => {
  afterEach(() => {
    matching.dictionary_match = originalDictionaryMatch;
  });

  it('gives zxcvbn the same answer as its own matcher', () => {
    const inputs = corpus();
    matching.dictionary_match = originalDictionaryMatch;
    const before = inputs.map((p) => view(zxcvbn(p, USER_INPUTS)));
    installPrunedDictionaryMatch();
    expect(matching.dictionary_match).not.toBe(originalDictionaryMatch);
    const after = inputs.map((p) => view(zxcvbn(p, USER_INPUTS)));
    for (let k = 0; k < inputs.length; k++) expect(after[k], inputs[k]).toEqual(before[k]);
  });

  it('returns the same dictionary matches in the same order, user inputs included', () => {
    installPrunedDictionaryMatch();
    for (const p of ['acmereceptionpassword', 'constructor', 'xXpassword123drowssap', generatePassword(64)]) {
      matching.set_user_input_dictionary(USER_INPUTS.map((w) => w.toLowerCase()));
      expect(matching.dictionary_match(p)).toEqual(originalDictionaryMatch.call(matching, p));
      expect(matching.reverse_dictionary_match(p)).toEqual(
        matching.reverse_dictionary_match.call({ ...matching, dictionary_match: originalDictionaryMatch }, p),
      );
    }
  });

  it("is what the server's scoring thread runs, with the original's verdict on the worst case", async () => {
    // 64 look-alike symbols: zxcvbn's own matcher takes seconds on it (bench/password-check.bench.ts).
    const worst = '4@8(6[9{3&#!1|0$5+7%2<'.repeat(3).slice(0, 64);
    // The thread scores with the Spanish word lists too (lib/passwords/dictionaries.mjs).
    installLanguageDictionaries();
    const before = view(zxcvbn(worst, USER_INPUTS));
    expect(prunedDictionaryMatchInstalled()).toBe(false);
    const { default: score } = await import('@/lib/passwords/zxcvbn-worker.mjs');
    expect(prunedDictionaryMatchInstalled()).toBe(true);
    const { score: s, guesses_log10, crack_times_seconds, feedback } = before;
    expect(score({ password: worst, userInputs: USER_INPUTS })).toEqual({
      score: s,
      guesses_log10,
      crack_times_seconds,
      feedback,
    });
  });
});
