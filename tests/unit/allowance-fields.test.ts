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
