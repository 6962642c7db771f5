import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { translator } from '@/lib/i18n/translate';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

// A count passed as a plain argument is printed as the caller's digits: "Calls 10001–10050 of 12,000"
// (only the plural's # was formatted), "try again in 1 minutes", "Use at most 2000 characters". A
// number in a message is written through ICU ({n, number} or a plural's #), so each language writes
// it its own way ("10.001" in Spanish) and counts agree with their nouns.

const en0 = translator('en', 'en-US');
const es0 = translator('es', 'es');

describe('numbers in messages are formatted for the reader', () => {
  it('the page of calls writes every number of its range', () => {
    const v = { from: 10001, to: 10050, count: 12000 };
    expect(en0('block.allCalls.range', v)).toBe('Calls 10,001–10,050 of 12,000, oldest first.');
    expect(es0('block.allCalls.range', v)).toBe(
      'Llamadas 10.001–10.050 de 12.000, de la más antigua a la más reciente.',
    );
  });

  it('a count agrees with its noun, and a large one is grouped', () => {
    expect(en0('outcome.field.tooLong', { max: 2000 })).toBe('Use at most 2,000 characters.');
    expect(es0('password.problem.tooShort', { min: 1 })).toBe('Use al menos 1 carácter.');
    expect(en0('history.noticeHeld', { count: 1, seconds: 1 })).toContain('waits up to 1 second for');
    expect(es0('history.noticeHeld', { count: 2, seconds: 120 })).toContain('espera hasta 120 segundos');
    expect(en0('dashboard.blocksInForce', { count: 1200 })).toMatch(/^1,200 blocks are in force;/);
    expect(es0('dashboard.blocksInForce', { count: 12000 })).toMatch(/^Hay 12\.000 bloqueos en vigor;/);
    expect(en0('staff.home.showingOldest', { count: 1000 })).toBe('Showing the oldest 1,000.');
    expect(es0('staff.requestPage.marked', { count: 12000 })).toContain('marcó 12.000 de');
  });

  it('the enrolment code’s wait is in minutes, or in hours past about an hour and a half', () => {
    const m = (unit: string, count: number) => ({ unit, count });
    expect(en0('outcome.mfa.proofThrottled', m('minute', 1))).toMatch(/try again in 1 minute\.$/);
    expect(es0('outcome.mfa.proofThrottled', m('minute', 1))).toMatch(/dentro de 1 minuto\.$/);
    expect(en0('outcome.mfa.proofThrottled', m('minute', 59))).toMatch(/in 59 minutes\.$/);
    expect(en0('outcome.mfa.proofThrottled', m('hour', 23))).toMatch(/in 23 hours\.$/);
    expect(es0('outcome.mfa.proofThrottled', m('hour', 1))).toMatch(/dentro de 1 hora\.$/);
    expect(es0('outcome.mfa.proofThrottled', m('hour', 24))).toMatch(/dentro de 24 horas\.$/);
  });
});

type Tree = { [k: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : flatten(v, `${prefix}${k}.`),
  );

/** The names of the arguments printed as they are ({name}), anywhere in the message. */
function plainArguments(elements: MessageFormatElement[], out: string[] = []): string[] {
  for (const el of elements) {
    if (el.type === TYPE.argument) out.push(el.value);
    else if (el.type === TYPE.plural || el.type === TYPE.select)
      for (const o of Object.values(el.options)) plainArguments(o.value, out);
    else if (el.type === TYPE.tag) plainArguments(el.children, out);
  }
  return out;
}

// Arguments that hold a count or a length wherever they appear. Not here: a clock hour
// (staff.summary.hours {from}:00), a duration or a time already in words ({duration}, {time}), and
// `count` in password.gpu.yearsPower / password.required.guesses, which is a note in words ("a
// million"), not a number.
const COUNTS = new Set([
  'count',
  'minutes',
  'hours',
  'seconds',
  'failures',
  'shown',
  'min',
  'max',
  'length',
  'safe',
]);
const WORDS = new Set(['password.gpu.yearsPower', 'password.required.guesses']);

describe.each([
  ['en', en],
  ['es', es],
] as const)('the %s catalogue', (_, catalogue) => {
  it('prints no count as a plain argument', () => {
    const plain = flatten(catalogue as Tree)
      .filter(([key]) => !WORDS.has(key))
      .flatMap(([key, text]) =>
        plainArguments(parse(text))
          .filter((a) => COUNTS.has(a))
          .map((a) => `${key} {${a}}`),
      );
    expect(plain).toEqual([]);
  });
});
