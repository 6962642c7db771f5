import type { CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { readTriggerCalls } from '@/lib/blocks/trigger-calls';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { describeDialled, readDialled } from '@/lib/phone/format';
import { mexicanMobileWithOne } from '@/lib/phone/legacy';

// A tester's Mexican account (2026-12-06): "+52 1 55 1234 5678" and "00 52 1 33 1234 5678" showed as
// "+52 15512345678" (the country right, the digits unformatted). The "1" before a Mexican mobile
// from abroad went with IFT's change to the Plan Técnico Fundamental de Numeración (DOF 2018-05-11;
// every number ten digits from 2019-08-03), and libphonenumber's metadata no longer reads it; the
// number is the same line, +52 and its ten digits, shown as libphonenumber formats it.

describe('Mexico’s "+52 1" before a mobile, as a switch writes it', () => {
  it.each([
    ['+52 1 55 1234 5678', 'MX', 'e164', '+525512345678', '+52 55 1234 5678'],
    ['00 52 1 33 1234 5678', 'MX', 'idd', '+523312345678', '+52 33 1234 5678'],
    ['+5215512345678', 'US', 'e164', '+525512345678', '+52 55 1234 5678'],
    ['011 52 1 55 1234 5678', 'US', 'idd', '+525512345678', '+52 55 1234 5678'],
    ['0052 1 55 1234 5678', 'ES', 'idd', '+525512345678', '+52 55 1234 5678'],
    ['009 52 1 55 1234 5678', 'CO', 'idd', '+525512345678', '+52 55 1234 5678'],
    ['9 011 52 1 55 1234 5678', 'US', 'pbx', '+525512345678', '+52 55 1234 5678'],
    ['5215512345678', 'US', 'digits', '+525512345678', '+52 55 1234 5678'],
  ] as [string, CountryCode, string, string, string][])(
    '%s from %s is %s, today’s ten digits',
    (raw, account, form, e164, display) => {
      expect(readDialled(raw, account)).toMatchObject({ form, number: { number: e164 } });
      expect(describeDialled(raw, account)).toMatchObject({
        e164,
        display,
        country: 'MX',
        international: account !== 'MX',
      });
    },
  );

  it('is stored as today’s number', () => {
    const at = new Date('2026-12-06T16:08:00Z');
    const call = { from: 'mx-pbx', to: '+52 1 33 1234 5678', sourceIp: '198.51.100.23', durationSec: 0 };
    expect(readTriggerCalls([call], 'MX', at).kept[0]?.to).toBe('+523312345678');
  });

  it('only where the ten digits are a valid number: else the digits as written', () => {
    // +52 00 1234 5678 is no Mexican number: the "1" is not dropped, the number stays as dialled.
    expect(mexicanMobileWithOne('+5210012345678')).toBeUndefined();
    expect(readDialled('+5210012345678', 'ES')).toMatchObject({ number: { number: '+5210012345678' } });
    // Nor is any other digit after +52 dropped, nor the "1" of another country's number.
    expect(mexicanMobileWithOne('+5225512345678')).toBeUndefined();
    expect(mexicanMobileWithOne('+5415512345678')).toBeUndefined();
    // A "1" dialled at home was never this form: "1 55 1234 5678" from Mexico is not read as CDMX.
    expect(readDialled('15512345678', 'MX')?.number.number).not.toBe('+525512345678');
  });

  it('the callback number field reads the same form as the same number', () => {
    // lib/phone/typed.ts through lib/phone/legacy.ts validNumber: the callback reader had it already.
    expect(checkCallbackNumber('+52 1 55 1234 5678', 'MX')).toMatchObject({
      ok: true,
      e164: '+525512345678',
    });
    expect(checkCallbackNumber('00 52 1 33 1234 5678', 'MX')).toMatchObject({
      ok: true,
      e164: '+523312345678',
    });
  });
});
