import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allowanceFields } from '@/lib/allowances/rules';

// The country of a destination allowance (a customer's request, a staff grant) is a select of ISO
// 3166-1 alpha-2 codes. A hand-made POST could send text that only *becomes* a code once upper-cased
// by JavaScript's full Unicode case mapping: "ß" → "SS" (South Sudan), "ſo" → "SO" (Somalia, long s),
// "ıq" → "IQ" (dotless i). Those were granted as that country (break-15, finding 4): bad input must
// be refused and change nothing.

const fields = z.object(allowanceFields);
const parse = (country: string) => fields.safeParse({ country, hours: '4', reason: 'calling family abroad' });

describe('allowance country', () => {
  it.each(['ß', 'ſo', 'ıq', 'ﬀ', 'ＳＯ'])('refuses %s, which is no ASCII code', (country) => {
    const r = parse(country);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toEqual(['outcome.field.allowance.country']);
  });

  it.each([
    ['SO', 'SO'],
    ['so', 'SO'],
    [' gb ', 'GB'],
  ])('takes %j as %s', (country, code) => {
    expect(parse(country).data?.country).toBe(code);
  });
});

describe('allowance hours', () => {
  const hours = (h: unknown) =>
    fields.safeParse({ country: 'SO', hours: h, reason: 'calling family abroad' });
  const message = (h: unknown) => hours(h).error?.issues.map((i) => i.message);

  it.each([
    ['4', 4],
    [' 72 ', 72],
    ['1', 1],
    [24, 24],
    // Digits in the reader's own script, as the phone and address fields read them (lib/phone/digits.ts
    // asciiDigits): Arabic-Indic 3 was refused "Enter how many hours" (tester, 2026-12).
    ['٣', 3],
    ['١٠', 10],
    ['۲۴', 24],
    ['४८', 48],
    ['７２', 72],
  ])('takes %j as %d hours', (h, n) => expect(hours(h).data?.hours).toBe(n));

  // Number() read the first four as 16, 10, 3 and 10 hours: a hand-made POST got an allowance that long.
  it.each(['0x10', '1e1', '0b11', '+10', '', ' ', 'Infinity', '-4', '٣x', '²'])('refuses %j', (h) =>
    expect(message(h)).toEqual(['outcome.field.allowance.hours']),
  );
  it('tells a fraction, a zero and too many hours apart', () => {
    expect(message('2.5')).toEqual(['outcome.field.allowance.wholeHours']);
    expect(message('0')).toEqual(['outcome.field.allowance.hours']);
    expect(message('73')).toEqual(['outcome.field.allowance.maxHours']);
    expect(message('٢.٥')).toEqual(['outcome.field.allowance.wholeHours']);
    expect(message('٧٣')).toEqual(['outcome.field.allowance.maxHours']);
  });
});
