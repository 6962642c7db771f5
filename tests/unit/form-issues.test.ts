import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CATALOGUES, translator } from '@/lib/i18n/translate';
import { hiddenText, hiddenValue, issueNote, NOT_SENT, postedId, postedList } from '@/lib/server/form-issues';
import { issueMessage } from '@/lib/server/safe-action';

// What a form is told of a field zod refused (lib/server/form-issues.ts issueNote, worded by
// lib/server/safe-action.ts issueMessage): never zod's own message, which is English whatever the
// reader's language. An input tester (2026-12) got "Too small: expected string to have >=1
// characters" for an approval posted with `requestId=""`: issueNote knew only some issue codes and
// gave the rest back as zod wrote them.

/** One schema with no words of its own and a value it refuses, for every issue code zod has. */
const EVERY_CODE = {
  invalid_type: [z.string(), 1],
  too_big: [z.array(z.string()).max(1), ['a', 'b']],
  too_small: [z.string().min(1), ''],
  invalid_format: [z.string().regex(/^[a-z]+$/), 'A1'],
  not_multiple_of: [z.number().multipleOf(5), 7],
  unrecognized_keys: [z.strictObject({}), { extra: 1 }],
  invalid_union: [z.union([z.string(), z.number()]), true],
  // zod reports these two only for a map whose key is no property key (an object).
  invalid_key: [z.map(z.string(), z.number()), new Map([[{}, 1]])],
  invalid_element: [z.map(z.object({}), z.number()), new Map([[{}, 'b']])],
  invalid_value: [z.enum(['agent', 'admin']), 'root'],
  custom: [z.string().refine(() => false), 'x'],
} satisfies Record<z.core.$ZodIssueCode, [z.ZodType, unknown]>;

/** The issues zod reports for `value` against `schema` (it must refuse it). */
function issuesOf(schema: z.ZodType, value: unknown): z.core.$ZodIssue[] {
  const r = schema.safeParse(value);
  expect(r.success).toBe(false);
  return r.error!.issues;
}

/** The catalogue entry at a dotted key, in `locale`. */
const entry = (locale: 'en' | 'es', key: string): unknown =>
  key
    .split('.')
    .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], CATALOGUES[locale]);

describe('a zod issue told to a form', () => {
  it.each(Object.entries(EVERY_CODE))(
    '%s: a catalogue sentence in both languages, never zod’s words',
    (code, [schema, value]) => {
      const issues = issuesOf(schema, value);
      // The issue under test is the one zod reported (a path inside a record or a map is no field of its own).
      expect(issues.map((i) => i.code)).toContain(code);
      for (const issue of issues) {
        const note = issueNote(issue);
        expect(note.key).toBe(NOT_SENT);
        for (const locale of ['en', 'es'] as const) {
          expect(typeof entry(locale, note.key)).toBe('string');
          const words = issueMessage(issue, locale);
          expect(words).toBe(translator(locale)(NOT_SENT));
          expect(words).not.toBe(issue.message);
        }
      }
    },
  );

  it('a field the person types keeps its own words; a text over its .max(n) is told its length', () => {
    const [named] = issuesOf(z.string().min(5, 'outcome.field.staffNote'), 'hi');
    expect(issueNote(named!)).toEqual({ key: 'outcome.field.staffNote' });
    expect(issueMessage(named!, 'es')).toBe('Escriba una nota: por qué y a petición de quién.');
    const [long] = issuesOf(z.string().max(2000), 'x'.repeat(2001));
    expect(issueNote(long!)).toEqual({ key: 'outcome.field.tooLong', values: { max: 2000 } });
    expect(issueMessage(long!, 'en')).toBe('Use at most 2,000 characters.');
    // A rule's own note (lib/requests/fields.ts noteIssue) comes back as it is.
    const noted = { key: 'outcome.field.allowance.homeCountry', values: { country: 'Spain' } };
    const [custom] = issuesOf(
      z.string().superRefine((_, ctx) => {
        ctx.addIssue({ code: 'custom', message: noted.key, params: { note: noted } });
      }),
      'ES',
    );
    expect(issueNote(custom!)).toEqual(noted);
  });

  it('a schema’s English sentence or a key outside the field messages never reaches the form', () => {
    for (const schema of [z.string().min(2, 'Too short.'), z.coerce.number().min(0, 'outcome.again.noKey')])
      for (const issue of issuesOf(schema, schema instanceof z.ZodString ? 'x' : '-1'))
        expect(issueMessage(issue, 'es')).toBe(translator('es')(NOT_SENT));
  });
});

describe('the fields a page fills in itself', () => {
  it('a hidden id, empty or too long, did not arrive as the form sends it: no length is named', () => {
    for (const value of ['', 'x'.repeat(65)])
      expect(issuesOf(postedId, value).map(issueNote)).toEqual([{ key: NOT_SENT }]);
    expect(postedId.parse('cm1abc')).toBe('cm1abc');
    expect(issuesOf(hiddenText(40), 'k'.repeat(41)).map(issueNote)).toEqual([{ key: NOT_SENT }]);
    expect(hiddenText(40).parse('')).toBe('');
    expect(issuesOf(hiddenValue(40), '').map(issueNote)).toEqual([{ key: NOT_SENT }]);
  });

  it('a field posted several times is each value once, in the order first posted', () => {
    const ids = postedList().pipe(z.array(postedId).max(3));
    expect(ids.parse(['c', 'a', 'c', 'b', 'a', 'c'])).toEqual(['c', 'a', 'b']);
    expect(ids.parse('a')).toEqual(['a']);
    // Four times the same id is one id, within the list's limit of three.
    expect(ids.parse(['a', 'a', 'a', 'a'])).toEqual(['a']);
    expect(issuesOf(ids, undefined).map(issueNote)).toEqual([{ key: NOT_SENT }]);
    expect(issuesOf(postedList('outcome.field.misdialCalls'), undefined).map(issueNote)).toEqual([
      { key: 'outcome.field.misdialCalls' },
    ]);
  });
});
