import type { CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { callbackDisplay, callbackSource, callbackTel, checkCallbackNumber } from '@/lib/phone/callback';
import { noteText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import { asciiDigits } from '@/lib/phone/digits';
import { parseUserPhone } from '@/lib/phone/format';

/**
 * `typed` on an account in `country` is accepted and stored as the E.164 number `e164`, with no
 * extension (the Spanish-speaking reader's messages: the language does not change the reading).
 */
const expectStored = (typed: string, country: CountryCode, e164: string) =>
  expect(checkCallbackNumber(typed, country, [], 'es')).toEqual({ ok: true, stored: e164, e164, ext: null });

const somaliBlock = ['+252611234567', '00252611234568'];

describe('a callback number with an extension (review 9 item 6)', () => {
  // Businesses behind a PBX give a switchboard and an extension; dropping it sends support to the switchboard.
  it.each([
    ['+34 912 345 678 ext. 21', 'ES', '+34912345678;ext=21', '+34 912 34 56 78 ext. 21'],
    ['912345678 ext 21', 'ES', '+34912345678;ext=21', '+34 912 34 56 78 ext. 21'],
    ['912 345 678 extensión 21', 'ES', '+34912345678;ext=21', '+34 912 34 56 78 ext. 21'],
    ['+1 (212) 555-0123 x 44', 'US', '+12125550123;ext=44', '+1 212 555 0123 ext. 44'],
    ['tel:+12125550123;ext=44', 'US', '+12125550123;ext=44', '+1 212 555 0123 ext. 44'],
  ] as const)('%s is kept as %s (RFC 3966 ;ext=) and shown as %s', (typed, country, stored, shown) => {
    const r = checkCallbackNumber(typed, country);
    expect(r).toMatchObject({ ok: true, stored, ext: stored.split('=')[1] });
    expect(callbackDisplay(stored, country)).toBe(shown);
    expect(callbackTel(stored)).toBe(`tel:${stored}`);
    // Stored, it reads back the same: the agent's re-check and the on-file comparison see one number.
    expect(checkCallbackNumber(stored, country)).toMatchObject({ ok: true, stored });
    expect(callbackSource(stored, stored)).toBe('on_file');
  });
  it('an extension does not make a refused number callable', () => {
    expect(checkCallbackNumber('+252 61 123 4567 ext. 5', 'US', somaliBlock)).toMatchObject({
      ok: false,
      reason: 'block_destination',
    });
  });
  it('shows a number without an extension as before, and an unreadable one as it came', () => {
    expect(callbackDisplay('+12125550100', 'US')).toBe('+1 212 555 0100');
    expect(callbackDisplay('garbage', 'US')).toBe('garbage');
  });
});

describe('callback numbers support may call', () => {
  it('refuses a number in the block’s own destination country', () => {
    expect(checkCallbackNumber('+252 61 123 4567', 'US', somaliBlock)).toMatchObject({
      ok: false,
      reason: 'block_destination',
      note: {
        key: 'outcome.callback.blockDestination',
        values: { number: '+252 61 123 4567', country: 'Somalia' },
      },
    });
    // From a Somali account, a Somali number is the office itself.
    expect(checkCallbackNumber('+252 61 123 4567', 'SO', somaliBlock)).toEqual({
      ok: true,
      stored: '+252611234567',
      e164: '+252611234567',
      ext: null,
    });
  });
  it('refuses a country the switch wrote as bare digits that also fit an old national form (review 14)', () => {
    // 68228850 from a Colombian account is the Cook Islands (+682 28850), not Colombia's pre-2021
    // 8-digit form of +57 606 822 8850: read as the latter, the block's destination was "domestic".
    expect(checkCallbackNumber('+682 28851', 'CO', ['68228850'])).toMatchObject({
      ok: false,
      reason: 'block_destination',
    });
  });
  // Issue 14: "5152795494" from the US is Iowa's (515) 279-5494 or Peru's +51 52 795494; the block
  // page shows it as sent, and a callback to either country the call may have gone to is refused
  // when it is abroad (the US one is the account's own country).
  it.each([
    ['+51 1 234 5678', 'US', ['5152795494'], false, 'Peru'],
    ['+1 515 279 5400', 'US', ['5152795494'], true, null],
    ['+91 81234 56789', 'CO', ['009 1 812 345 6789'], false, 'India'],
    ['+1 812 345 6700', 'CO', ['009 1 812 345 6789'], false, 'United States'],
    ['+44 20 7946 0958', 'US', ['5152795494'], true, null],
  ] as const)('%s from %s with destinations %j: ok %s (%s)', (typed, account, to, ok, country) => {
    const r = checkCallbackNumber(typed, account, [...to]);
    expect(r.ok).toBe(ok);
    if (!ok) expect(r).toMatchObject({ reason: 'block_destination', note: { values: { country } } });
  });
  it('refuses high-cost ranges whatever the block', () => {
    expect(checkCallbackNumber('+882 13 10 0123', 'US')).toMatchObject({
      ok: false,
      reason: 'high_cost',
      note: { key: 'outcome.callback.highCost', values: { country: 'international networks' } },
    });
    expect(checkCallbackNumber('+881 6 123 45678', 'GB')).toMatchObject({ ok: false, reason: 'high_cost' });
    expect(checkCallbackNumber('1-900-555-0123', 'US')).toMatchObject({ ok: false, reason: 'high_cost' });
    expect(checkCallbackNumber('+1 876 210 1234', 'US')).toMatchObject({
      ok: false,
      reason: 'high_cost',
      note: { values: { country: 'Jamaica' } },
    });
  });
  it('accepts ordinary numbers and returns E.164', () => {
    expect(checkCallbackNumber('+44 20 7946 0018', 'GB', somaliBlock)).toEqual({
      ok: true,
      stored: '+442079460018',
      e164: '+442079460018',
      ext: null,
    });
    expect(checkCallbackNumber('(212) 555-0100', 'US', somaliBlock)).toMatchObject({
      ok: true,
      stored: '+12125550100',
    });
    expect(checkCallbackNumber('not a phone', 'US')).toMatchObject({ ok: false, reason: 'invalid' });
  });
  it('names the country in the reader’s language, and says it all in the catalogue', () => {
    const check = checkCallbackNumber('+1 284 494 1234', 'US', [], 'es');
    expect(check).toMatchObject({ ok: false, reason: 'high_cost' });
    if (check.ok) return;
    const words = noteText(translate('es'), check.note);
    expect(words).toContain('Islas Vírgenes Británicas');
    expect(words).not.toMatch(/British|support cannot|Enter an/);
    const network = checkCallbackNumber('+882 13 10 0123', 'US', [], 'es');
    expect(network.ok ? null : noteText(translate('es'), network.note)).toContain(
      'es un número de tarifa elevada (redes internacionales)',
    );
    const english = checkCallbackNumber('+1 284 494 1234', 'US');
    expect(english.ok ? null : noteText(translate('en'), english.note)).toContain('British Virgin Islands');
  });
  it('says whether the number is on file', () => {
    expect(callbackSource('+12125550100', '+12125550100')).toBe('on_file');
    expect(callbackSource('+12125550100', '+12125550199')).toBe('typed');
    expect(callbackSource('+12125550100', null)).toBe('typed');
  });
  it('compares the line, not the extension: numbers on file from before extensions were kept have none', () => {
    expect(callbackSource('+12127365000;ext=21', '+12127365000')).toBe('on_file');
    expect(callbackSource('+12127365000', '+12127365000;ext=21')).toBe('on_file');
    expect(callbackSource('+12127365000;ext=21', '+12127365000;ext=22')).toBe('on_file');
    expect(callbackSource('+12127365001;ext=21', '+12127365000;ext=21')).toBe('typed');
  });
});

describe('Mexican and Argentine numbers in superseded forms (review 10)', () => {
  // IFT's 10-digit plan (2019-08-03, both forms until 2020-08-03) dropped the "1" after +52 and the
  // 01/044/045 prefixes; contact lists still hold them. Each is the line 55 1234 5678 (lib/phone/legacy.ts).
  it.each([
    ['+52 1 55 1234 5678', 'MX'],
    ['52 1 55 1234 5678', 'MX'],
    ['044 55 1234 5678', 'MX'],
    ['045 55 1234 5678', 'MX'],
    ['01 55 1234 5678', 'MX'],
    ['02 55 1234 5678', 'MX'], // national long distance through the operator, 01's sibling
    ['+52 1 55 1234 5678', 'US'],
    ['0052 1 55 1234 5678', 'ES'],
  ] as const)('%s typed on a %s account is stored as +525512345678', (typed, country) => {
    expectStored(typed, country, '+525512345678');
  });
  it('keeps the extension, reads 01 800 numbers, and a three-digit area code', () => {
    expect(checkCallbackNumber('+52 1 55 1234 5678 ext. 21', 'MX')).toMatchObject({
      ok: true,
      stored: '+525512345678;ext=21',
    });
    expect(checkCallbackNumber('01 800 123 4567', 'MX')).toMatchObject({ ok: true, e164: '+528001234567' });
    expect(checkCallbackNumber('045 222 123 4567', 'MX')).toMatchObject({ ok: true, e164: '+522221234567' });
    expect(checkCallbackNumber('02 222 123 4567', 'MX')).toMatchObject({ ok: true, e164: '+522221234567' });
    // 02's international sibling, 09 (operator-assisted international), is in the metadata's IDD: as dialled.
    expect(checkCallbackNumber('09 1 212 555 0123', 'MX')).toMatchObject({ ok: true, e164: '+12125550123' });
  });
  it('drops the mobile "1" only after the country code, and 044 only inside Mexico', () => {
    // Never a Mexican form: "1" + 10 digits without 52 (as digits it would be +1 551 234 5678).
    expect(checkCallbackNumber('1 55 1234 5678', 'MX')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(checkCallbackNumber('044 55 1234 5678', 'US')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(checkCallbackNumber('02 55 1234 5678', 'US')).toMatchObject({ ok: false, reason: 'invalid' });
  });
  it('an Argentine mobile written with both the "9" and the "15" is the mobile', () => {
    for (const [typed, country] of [
      ['+54 9 11 15 2345 6789', 'AR'],
      ['+54 9 11 15 2345 6789', 'US'],
      ['9 11 15 2345 6789', 'AR'],
    ] as const)
      expect(checkCallbackNumber(typed, country)).toMatchObject({ ok: true, e164: '+5491123456789' });
    expect(checkCallbackNumber('+54 9 9 11 2345 6789', 'AR')).toMatchObject({ ok: false, reason: 'invalid' });
  });
  // An Argentine mobile written as friends write it, without the area code: the refusal shows the
  // whole number as dialled in Argentina, so the reader sees what is missing.
  it('a number without its area code is refused with an example of a whole one', () => {
    const r = checkCallbackNumber('15-2345-6789', 'AR', [], 'es');
    expect(r.ok).toBe(false);
    expect(noteText(translate('es'), (r as { note: Parameters<typeof noteText>[1] }).note)).toBe(
      'Escriba un número de teléfono válido: el número completo tal como lo marca en su país, por ejemplo 011 15-2345-6789, o con el código de país si no es del país de su cuenta.',
    );
    const us = checkCallbackNumber('555-0123', 'US');
    expect(noteText(translate('en'), (us as { note: Parameters<typeof noteText>[1] }).note)).toContain(
      'such as (201) 555-0123',
    );
  });

  it('the misdial form’s intended number reads the same forms', () => {
    expect(parseUserPhone('044 55 1234 5678', 'MX')).toBe('+525512345678');
    expect(parseUserPhone('+52 1 55 1234 5678', 'MX')).toBe('+525512345678');
    expect(parseUserPhone('+54 9 11 15 2345 6789', 'AR')).toBe('+5491123456789');
    expect(parseUserPhone('1 55 1234 5678', 'MX')).toBeNull();
    // As dialled at a PBX's extension (issue 14): the outside-line access code, then the IDD.
    expect(parseUserPhone('9 011 44 20 7946 0958', 'US')).toBe('+442079460958');
    expect(parseUserPhone('0 00 44 20 7946 0958', 'ES')).toBe('+442079460958');
    expect(parseUserPhone('0 009 44 20 7946 0958', 'CO')).toBe('+442079460958');
    expect(parseUserPhone('9 00 501 622 1234', 'GB')).toBeNull(); // Belize, or Turkey's +90 501 622 1234
    expect(parseUserPhone('9 212 555 0100', 'US')).toBeNull(); // no access code before a national number
    expect(parseUserPhone('02 55 1234 5678', 'MX')).toBe('+525512345678');
  });
});

describe('Brazilian mobiles written before the ninth digit (2012–2016)', () => {
  // ANATEL put a 9 before every mobile number, area code by area code; an old contact card still has
  // the eight digits. Each is the mobile +55 11 98765 4321 (lib/phone/legacy.ts).
  it.each([
    ['+55 11 8765 4321', 'US'],
    ['+55 11 8765 4321', 'BR'],
    ['(11) 8765-4321', 'BR'],
    ['011 8765-4321', 'BR'], // the trunk 0
    ['0 21 11 8765-4321', 'BR'], // a carrier selection code (21) before the area code
    ['0055 11 8765 4321', 'ES'],
  ] as const)('%s typed on a %s account is stored as +5511987654321', (typed, country) => {
    expectStored(typed, country, '+5511987654321');
  });
  it('keeps the extension; a fixed line, a radio number and a never-mobile range are left alone', () => {
    expect(checkCallbackNumber('+55 11 8765 4321 ext. 5', 'US')).toMatchObject({
      ok: true,
      stored: '+5511987654321;ext=5',
    });
    expect(checkCallbackNumber('+55 11 3456 7890', 'US')).toMatchObject({ ok: true, e164: '+551134567890' });
    expect(checkCallbackNumber('+55 61 7812 3456', 'US')).toMatchObject({ ok: true, e164: '+556178123456' });
    expect(checkCallbackNumber('+55 11 1234 5678', 'US')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(checkCallbackNumber('8765-4321', 'BR')).toMatchObject({ ok: false, reason: 'invalid' }); // no area code
  });
  it('the misdial form’s intended number reads them too', () => {
    expect(parseUserPhone('(11) 8765-4321', 'BR')).toBe('+5511987654321');
    expect(parseUserPhone('+55 21 6543 2109', 'US')).toBe('+5521965432109');
  });
});

describe('Colombian fixed lines written before the 10-digit plan (2021)', () => {
  // CRC Resolución 5826 de 2019: from 2021-09-01 a fixed line is 60 + its region's digit + the seven
  // digits, and the 03 and carrier prefixes went. Each is the Bogotá line +57 601 234 5678.
  it.each([
    ['+57 1 234 5678', 'US'],
    ['(1) 234 5678', 'CO'],
    ['031 234 5678', 'CO'], // 03: mobile to fixed
    ['07 1 234 5678', 'CO'], // 0 + carrier 7 (long distance)
    ['0456 1 234 5678', 'CO'], // 0 + carrier 456
    ['0057 1 234 5678', 'ES'],
  ] as const)('%s typed on a %s account is stored as +576012345678', (typed, country) => {
    expect(checkCallbackNumber(typed, country, [], 'es')).toMatchObject({ ok: true, e164: '+576012345678' });
  });
  it('other regions too; a mobile and a bare seven-digit number are left alone', () => {
    expect(checkCallbackNumber('+57 4 444 1234 ext. 3', 'US')).toMatchObject({
      ok: true,
      stored: '+576044441234;ext=3',
    });
    expect(checkCallbackNumber('+57 321 123 4567', 'US')).toMatchObject({ ok: true, e164: '+573211234567' });
    expect(checkCallbackNumber('234 5678', 'CO')).toMatchObject({ ok: false, reason: 'invalid' }); // which city?
    expect(parseUserPhone('(2) 345 6789', 'CO')).toBe('+576023456789');
  });
});

describe('Chilean numbers written before the 2012–2013 changes', () => {
  // Subtel: every mobile gained a 9 (2012), every fixed line a 2 after its area code (2012–2013).
  it.each([
    ['+56 2 123 4567', 'US', '+56221234567'],
    ['(02) 123 4567', 'CL', '+56221234567'],
    ['0056 2 123 4567', 'ES', '+56221234567'],
    ['(065) 35 0009', 'CL', '+56652350009'],
    ['+56 8 123 4567', 'US', '+56981234567'],
    ['+56 9 123 4567', 'CL', '+56991234567'],
    ['8123 4567', 'CL', '+56981234567'],
    ['09 8123 4567', 'CL', '+56981234567'],
    ['(022) 123 4567', 'CL', '+56221234567'], // 2012–2016: the trunk 0 before today's digits
  ] as const)('%s typed on a %s account is stored as %s', (typed, country, e164) => {
    expectStored(typed, country, e164);
  });
  it('keeps the extension; today’s numbers and an ambiguous old form are left alone', () => {
    expect(checkCallbackNumber('+56 2 123 4567 ext. 7', 'US')).toMatchObject({
      ok: true,
      stored: '+56221234567;ext=7',
    });
    expect(checkCallbackNumber('+56 9 8123 4567', 'US')).toMatchObject({ ok: true, e164: '+56981234567' });
    expect(checkCallbackNumber('+56 65 35 0009', 'US')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(parseUserPhone('(02) 123 4567', 'CL')).toBe('+56221234567');
  });
});

describe('Chilean fixed lines written with a long-distance carrier’s code (until 2014)', () => {
  // Subtel: national long distance was carrier code + area code + number until 2014; contact cards
  // keep "123 2 123 4567" (Entel). libphonenumber reads the code as part of the number.
  it.each([
    ['123 2 123 4567', '+56221234567'], // before the 2 (2012)
    ['123 2 2123 4567', '+56221234567'], // 2012–2014
    ['188 32 212 3456', '+56322123456'], // Movistar, Valparaíso, 2013–2014
    ['188 65 35 0009', '+56652350009'], // the carrier says fixed line: "+56 65 35 0009" alone is ambiguous
  ] as const)('%s typed on a CL account is stored as %s', (typed, e164) => {
    expectStored(typed, 'CL', e164);
  });
  it('keeps the extension; not from abroad, not an unknown code, not a mobile, not a NANP number', () => {
    expect(checkCallbackNumber('123 2 2123 4567 ext. 9', 'CL')).toMatchObject({
      ok: true,
      stored: '+56221234567;ext=9',
    });
    expect(checkCallbackNumber('+56 123 2 2123 4567', 'US')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(checkCallbackNumber('100 2 2123 4567', 'CL')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(checkCallbackNumber('123 9 8123 4567', 'CL')).toMatchObject({ ok: false, reason: 'invalid' });
    // Carrier 171 + (32) 123456, or +1 713 212 3456 (Houston) without its "+": neither is guessed.
    expect(checkCallbackNumber('1 713 212 3456', 'CL')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(checkCallbackNumber('171 65 35 0009', 'CL')).toMatchObject({ ok: false, reason: 'invalid' }); // +1 716
    expect(parseUserPhone('123 2 123 4567', 'CL')).toBe('+56221234567');
  });
});

describe('Peruvian mobiles written before 2008 (nine digits) and 2010 (no area code)', () => {
  // 2008-04-05: Lima's eight-digit mobiles gained a 9, a region's seven digits 9 + its area code (95,
  // 94, 96, 97 in Arequipa, La Libertad, Piura, Lambayeque); 2010-09-04: mobiles lost the area code.
  it.each([
    ['+51 1 9123 4567', 'US', '+51991234567'],
    ['0051 1 9123 4567', 'ES', '+51991234567'],
    ['011 51 1 9123 4567', 'US', '+51991234567'],
    ['(01) 9123-4567', 'PE', '+51991234567'],
    ['1 9123 4567', 'PE', '+51991234567'],
    ['9123 4567', 'PE', '+51991234567'], // as dialled in Lima
    ['+51 84 912 3456', 'US', '+51984123456'], // Cusco
    ['(084) 912 3456', 'PE', '+51984123456'],
    ['84 912 3456', 'PE', '+51984123456'],
    ['(054) 912 3456', 'PE', '+51959123456'], // Arequipa: 95 before the seven digits
    ['+51 44 912 3456', 'US', '+51949123456'], // La Libertad
    ['0051 73 912 3456', 'ES', '+51969123456'], // Piura
    ['(074) 912 3456', 'PE', '+51979123456'], // Lambayeque
    ['+51 1 991 234 567', 'US', '+51991234567'], // 2008–2010: the area code before nine digits
    ['01 991 234 567', 'PE', '+51991234567'],
    ['1 991 234 567', 'PE', '+51991234567'],
    ['+51 84 984 123 456', 'US', '+51984123456'],
    ['0051 84 984 123 456', 'ES', '+51984123456'],
    ['084 984 123 456', 'PE', '+51984123456'],
  ] as const)('%s typed on a %s account is stored as %s', (typed, country, e164) => {
    expectStored(typed, country, e164);
  });
  it('keeps the extension; today’s numbers, a bare region’s seven digits and foreign digits are left alone', () => {
    expect(checkCallbackNumber('(01) 9123-4567 anexo 12', 'PE')).toMatchObject({
      ok: true,
      stored: '+51991234567;ext=12',
    });
    expect(checkCallbackNumber('+51 912 345 678', 'US')).toMatchObject({ ok: true, e164: '+51912345678' });
    expect(checkCallbackNumber('(01) 234 5678', 'PE')).toMatchObject({ ok: true, e164: '+5112345678' });
    expect(checkCallbackNumber('912 3456', 'PE')).toMatchObject({ ok: false, reason: 'invalid' }); // which region?
    // From abroad Lima's eight digits came after its 1: "+51 9123 4567" is a digit short, not guessed.
    expect(checkCallbackNumber('+51 9123 4567', 'US')).toMatchObject({ ok: false, reason: 'invalid' });
    // Bare digits that are another country's number without its "+": Viet Nam's +84 984 123 456.
    expect(checkCallbackNumber('84 984 123 456', 'PE')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(checkCallbackNumber('9522 7594', 'PE')).toMatchObject({ ok: false, reason: 'invalid' }); // +95 Myanmar
    expect(parseUserPhone('(084) 912 3456', 'PE')).toBe('+51984123456');
  });
});

describe('Ecuadorian mobiles written before their 9 (2012)', () => {
  // SUPERTEL put a 9 after the trunk 0 of every mobile on 2012-09-30: "08 813 5555" is "098 813 5555".
  it.each([
    ['+593 8 813 5555', 'US'],
    ['08 813 5555', 'EC'],
    ['00593 8 813 5555', 'ES'],
  ] as const)('%s typed on a %s account is stored as +593988135555', (typed, country) => {
    expect(checkCallbackNumber(typed, country)).toMatchObject({ ok: true, e164: '+593988135555' });
  });
  it('keeps the extension; a fixed line is left alone', () => {
    expect(checkCallbackNumber('+593 8 813 5555 ext. 4', 'US')).toMatchObject({
      stored: '+593988135555;ext=4',
    });
    expect(parseUserPhone('(07) 288 5555', 'EC')).toBe('+59372885555');
  });
});

describe('Costa Rican numbers of seven digits (before 2008-03-20)', () => {
  // ICE put an 8 before every mobile (3, 8, 9 first) and a 2 before every fixed line (2, 4–7 first).
  it.each([
    ['381 2345', 'CR', '+50683812345'],
    ['881-2345', 'CR', '+50688812345'],
    ['912 3456', 'CR', '+50689123456'],
    ['+506 381 2345', 'US', '+50683812345'],
    ['222 1234', 'CR', '+50622221234'],
    ['441 2345', 'CR', '+50624412345'],
    ['00506 771 2345', 'ES', '+50627712345'],
    ['+506 2222 1234', 'US', '+50622221234'], // today's form, as it is
  ] as const)('%s typed on a %s account is stored as %s', (typed, country, e164) => {
    expectStored(typed, country, e164);
  });
  it('keeps the extension; a reading that is no valid line, or foreign digits, are left alone', () => {
    expect(checkCallbackNumber('222 1234 ext. 5', 'CR')).toMatchObject({
      ok: true,
      stored: '+50622221234;ext=5',
    });
    expect(checkCallbackNumber('+506 100 1234', 'US')).toMatchObject({ ok: false, reason: 'invalid' });
    // Bare digits that with a "+" are Niue's +683 4567: not read as an old fixed line.
    expect(checkCallbackNumber('683 4567', 'CR')).toMatchObject({ ok: false, reason: 'invalid' });
  });
});

describe('Honduran numbers of seven digits (mobiles before 2007, fixed lines before 2010)', () => {
  // Conatel: 3… → 33…, 8… → 98…, 9… → 99… (2007-02-25); a 2 before fixed lines (2010-11-14).
  it.each([
    ['312 3456', 'HN', '+50433123456'],
    ['912 3456', 'HN', '+50499123456'],
    ['812 3456', 'HN', '+50498123456'], // 28… is no valid fixed line: the mobile
    ['221 2345', 'HN', '+50422212345'],
    ['+504 551 2345', 'US', '+50425512345'],
    ['00504 312 3456', 'ES', '+50433123456'],
  ] as const)('%s typed on a %s account is stored as %s', (typed, country, e164) => {
    expectStored(typed, country, e164);
  });
  it('a seven-digit number with no valid reading is left alone', () => {
    expect(checkCallbackNumber('+504 412 3456', 'US')).toMatchObject({ ok: false, reason: 'invalid' });
  });
});

describe('Salvadoran numbers of seven digits (before 2005-05-14)', () => {
  // SIGET: a 2 before every fixed line (2–6 first), a 7 before every mobile (7, 8, 9 first).
  it.each([
    ['212 3456', 'SV', '+50322123456'],
    ['612-3456', 'SV', '+50326123456'],
    ['712 3456', 'SV', '+50377123456'],
    ['+503 812 3456', 'US', '+50378123456'],
    ['00503 912 3456', 'ES', '+50379123456'],
  ] as const)('%s typed on a %s account is stored as %s', (typed, country, e164) => {
    expectStored(typed, country, e164);
  });
  it('freephone and premium numbers kept their seven digits, and are read as they are', () => {
    expect(checkCallbackNumber('800 1234', 'SV')).toMatchObject({ ok: true, e164: '+5038001234' });
  });
});

describe('Uruguayan fixed lines of seven digits (before 2010-08-29)', () => {
  // URSEC: Montevideo's seven digits got its "2"; elsewhere "4" + area code + number (seven digits).
  it.each([
    ['204 5199', 'UY', '+59822045199'],
    ['(052) 24999', 'UY', '+59845224999'],
    ['0312 4329', 'UY', '+59843124329'],
    ['044 23199', 'UY', '+59844423199'],
    ['+598 52 24999', 'US', '+59845224999'],
    ['00598 7402 439', 'ES', '+59847402439'],
    ['(02) 204 5199', 'UY', '+59822045199'], // the area code and the old number: today's digits
    ['(042) 668350', 'UY', '+59842668350'], // Maldonado's 42: eight digits already
  ] as const)('%s typed on a %s account is stored as %s', (typed, country, e164) => {
    expectStored(typed, country, e164);
  });
  it('bare seven digits that may be either are left alone, and so is a range that never was', () => {
    // Montevideo's 522 4999, or Colonia's (052) 24999 without its 0: both are valid today.
    expect(checkCallbackNumber('52 24999', 'UY')).toMatchObject({ ok: false, reason: 'invalid' });
    // URSEC's own Montevideo example, "628 8327": also an interior area 62's number without its 0.
    expect(checkCallbackNumber('628 8327', 'UY')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(checkCallbackNumber('(02) 628 8327', 'UY')).toMatchObject({ ok: true, e164: '+59826288327' });
    expect(checkCallbackNumber('0420 1234', 'UY')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(checkCallbackNumber('099 123 456', 'UY')).toMatchObject({ ok: true, e164: '+59899123456' });
  });
});

describe('digits in another script (review 10)', () => {
  // An IME left in full-width mode, or Arabic-Indic digits: the number part was always read; the
  // extension must be ASCII too, or the stored ";ext=" and the agent's tel: link are not RFC 3966.
  it.each([
    '+34 612 345 678 ext. ２１',
    '＋３４ ６１２ ３４５ ６７８ ext. ２１',
    '+34 612 345 678 x٢١',
    '+34 612 345 678;ext=２１',
    '+34 612 345 678 ext. २१', // Devanagari
    '+३४ ६१२ ३४५ ६७८ ext. २१',
    '+34 612 345 678 x ২১', // Bengali
    '+34 612 345 678 ext. ๒๑', // Thai
    '+34 612 345 678 ext. 𝟐𝟏', // mathematical bold, outside the BMP
    '+34 612 345 678;ext=᠒᠑', // Mongolian
  ])('%s is stored as +34612345678;ext=21', (typed) => {
    const r = checkCallbackNumber(typed, 'ES', [], 'es');
    expect(r).toMatchObject({ ok: true, stored: '+34612345678;ext=21', ext: '21' });
    if (r.ok) expect(callbackTel(r.stored)).toBe('tel:+34612345678;ext=21');
    if (r.ok) expect(callbackDisplay(r.stored, 'ES')).toBe('+34 612 34 56 78 ext. 21');
  });
  it('a value stored before this was fixed is shown and dialled with ASCII digits', () => {
    expect(callbackTel('+34612345678;ext=２１')).toBe('tel:+34612345678;ext=21');
    expect(callbackDisplay('+34612345678;ext=２１', 'ES')).toBe('+34 612 34 56 78 ext. 21');
    expect(callbackTel('+34612345678;ext=२१')).toBe('tel:+34612345678;ext=21');
  });
  it('the misdial form’s intended number reads them too', () => {
    expect(parseUserPhone('+९१ ८१२३४ ५६७८९', 'IN')).toBe('+918123456789');
    expect(parseUserPhone('६१२ ३४५ ६७८', 'ES')).toBe('+34612345678');
  });
});

describe('asciiDigits', () => {
  it('reads every Unicode decimal digit (Nd) as its value, and leaves the rest', () => {
    // The zero of some scripts' digits: Arabic-Indic, Devanagari, Bengali, Thai, Tibetan, Myanmar,
    // Mongolian, full-width, Adlam (U+1E950), mathematical monospace (U+1D7F6).
    for (const zero of [0x660, 0x966, 0x9e6, 0xe50, 0xf20, 0x1040, 0x1810, 0xff10, 0x1e950, 0x1d7f6]) {
      const digits = Array.from({ length: 10 }, (_, i) => String.fromCodePoint(zero + i)).join('');
      expect(asciiDigits(`x${digits};`), zero.toString(16)).toBe('x0123456789;');
    }
    expect(asciiDigits('+34 (612) ext. ²¹ Ⅻ')).toBe('+34 (612) ext. ²¹ Ⅻ'); // superscripts, numerals: not Nd
  });
});

describe('numbers as people write them: "00", a kept trunk 0, tel:, Spanish extensions (break 25)', () => {
  /** `typed` on a `country` account is read as `e164` (and `ext`), by both typed-number readers. */
  const expectRead = (typed: string, country: CountryCode, e164: string, ext: string | null = null) => {
    expect(checkCallbackNumber(typed, country, [], 'es')).toMatchObject({ ok: true, e164, ext });
    expect(parseUserPhone(typed, country)).toBe(e164);
  };
  // ITU-T E.164's "00" written for "+", where the metadata's prefix is a carrier's (Colombia's
  // 005/007/009/00414…, Brazil's 00 + two digits, South Korea's 001…) or not 00 at all (the US's 011).
  // 00 + the account's own country code + a valid national number is that number, even where a
  // carrier's code + another country's number is valid too ("005 7 301…" is Russia's +7 301…).
  it.each([
    ['0057 310 123 4567', 'CO', '+573101234567'],
    ['00 57 310 123 4567', 'CO', '+573101234567'],
    ['00-57-310-123-4567', 'CO', '+573101234567'],
    ['(0057) 310 123 4567', 'CO', '+573101234567'],
    ['0057 301 123 4567', 'CO', '+573011234567'],
    ['0057 601 234 5678', 'CO', '+576012345678'],
    ['0057 1 234 5678', 'CO', '+576012345678'], // with the fixed line's pre-2021 form (legacy.ts)
    ['００５７ ３１０ １２３ ４５６７', 'CO', '+573101234567'], // full width
    ['0034 612 345 678', 'CO', '+34612345678'], // 003… is no Colombian carrier's prefix
    ['0055 11 98765 4321', 'BR', '+5511987654321'],
    ['0034 612 345 678', 'BR', '+34612345678'],
    ['0082 10 1234 5678', 'KR', '+821012345678'],
    ['0044 20 7946 0958', 'US', '+442079460958'],
    ['001 212 555 0123', 'US', '+12125550123'],
    // The carriers' own forms stay as libphonenumber's metadata reads them.
    ['005 57 310 123 4567', 'CO', '+573101234567'],
    ['009 57 310 123 4567', 'CO', '+573101234567'],
    ['00456 57 310 123 4567', 'CO', '+573101234567'],
    ['0021 55 11 98765 4321', 'BR', '+5511987654321'],
    ['1230 56 9 8123 4567', 'CL', '+56981234567'], // Chile's carrier 123 + 0
    ['00 56 9 8123 4567', 'CL', '+56981234567'],
    ['011 1 212 555 0123', 'US', '+12125550123'],
    ['0051 1 234 5678', 'PE', '+5112345678'],
    ['0054 9 11 1234 5678', 'AR', '+5491112345678'],
    ['00351 912 345 678', 'PT', '+351912345678'],
  ] as const)('%s typed on a %s account is %s', (typed, country, e164) => expectRead(typed, country, e164));

  it('00 + digits that are two numbers, neither of the account’s country, are not guessed', () => {
    // India's mobile after "00", or the US's +1 812 345 6789 after carrier 009 (read so until now).
    expect(checkCallbackNumber('0091 81234 56789', 'CO')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(checkCallbackNumber('009 1 812 345 6789', 'CO')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(parseUserPhone('0091 81234 56789', 'CO')).toBeNull();
    // With "+" the person says which.
    expectRead('+91 81234 56789', 'CO', '+918123456789');
  });

  // A trunk 0 is never dialled after a country code (ITU-T E.122; E.123's international form has
  // none): "(0)" or a kept "0" there is dropped when the rest is valid and the number with it is not.
  it.each([
    ['+34 (0) 91 123 45 67', 'ES', '+34911234567'], // Spain has no trunk prefix at all
    ['+34 (0)91 123 45 67', 'US', '+34911234567'],
    ['0034 (0) 91 123 45 67', 'ES', '+34911234567'],
    ['+34 0 612 34 56 78', 'ES', '+34612345678'],
    ['＋３４（０）９１ １２３ ４５ ６７', 'ES', '+34911234567'],
    ['+351 (0) 21 123 4567', 'US', '+351211234567'], // Portugal: none since 1999
    ['+351 021 123 4567', 'PT', '+351211234567'],
    ['+52 (0) 55 1234 5678', 'US', '+525512345678'], // Mexico: none since 2019
    ['+57 (0) 310 123 4567', 'US', '+573101234567'],
    ['+57 0 310 123 4567', 'CO', '+573101234567'],
    ['+54 9 011 1234-5678', 'US', '+5491112345678'], // after Argentina's mobile 9
    ['+1 (0) 212 555 0123', 'US', '+12125550123'],
    // Where the metadata has a trunk 0, libphonenumber drops it already.
    ['+44 (0)20 7946 0958', 'GB', '+442079460958'],
    ['+44 020 7946 0958', 'US', '+442079460958'],
    ['+49 (0)30 1234 5678', 'US', '+493012345678'],
    ['+51 (01) 234 5678', 'US', '+5112345678'],
    ['+54 011 4123 4567', 'US', '+541141234567'],
    ['+56 (0) 2 2123 4567', 'US', '+56221234567'],
    ['+39 (0)6 1234 5678', 'US', '+390612345678'], // Italy's 0 is part of the number: kept
  ] as const)('%s typed on a %s account is %s', (typed, country, e164) => expectRead(typed, country, e164));

  it.each([
    // tel: URIs (RFC 3966), a global number or a local one in its phone-context.
    ['tel:+57-310-123-4567', 'CO', '+573101234567', null],
    ['tel:310-123-4567;phone-context=+57', 'US', '+573101234567', null],
    ['tel:+34-91-123-45-67;ext=205', 'ES', '+34911234567', '205'],
    // Extensions as written in Spanish: libphonenumber's labels, and Argentina's "interno".
    ['+57 310 123 4567 ext. 12', 'CO', '+573101234567', '12'],
    ['601 234 5678 Ext: 12', 'CO', '+576012345678', '12'],
    ['91 123 45 67 Extensión: 205', 'ES', '+34911234567', '205'],
    ['91 123 45 67 int. 205', 'ES', '+34911234567', '205'],
    ['(011) 4123-4567 (int. 22)', 'AR', '+541141234567', '22'],
    ['011 4123-4567 interno 22', 'AR', '+541141234567', '22'],
    ['011 4123-4567 Interno: 22', 'AR', '+541141234567', '22'],
    ['+56 2 2123 4567 Anexo 205', 'CL', '+56221234567', '205'],
    ['(01) 234 5678 anexo 205', 'PE', '+5112345678', '205'],
    ['55 1234 5678 extensión 101', 'MX', '+525512345678', '101'],
    ['９１ １２３ ４５ ６７ ｅｘｔ． ２０５', 'ES', '+34911234567', '205'],
    // Mexico's pre-2019 prefixes and Argentina's mobile markers (legacy.ts and the metadata).
    ['044 (81) 8123-4567', 'MX', '+528181234567', null],
    ['+52 1 (55) 1234-5678', 'MX', '+525512345678', null],
    ['+52 044 55 1234 5678', 'US', '+525512345678', null],
    ['+54 11 15 1234-5678', 'US', '+5491112345678', null],
    ['(0351) 15 412-3456', 'AR', '+5493514123456', null],
    ['+54 9 11 15 1234-5678', 'AR', '+5491112345678', null],
  ] as const)('%s typed on a %s account is %s, extension %s', (typed, country, e164, ext) =>
    expectRead(typed, country, e164, ext),
  );

  it('what is not one number keeps the clear refusal', () => {
    for (const [typed, country] of [
      ['310 123 4567 opción 2', 'CO'], // a menu option, not an extension
      ['310 123 4567 / 601 234 5678', 'CO'], // two numbers
      ['+34 (0) 41 123 45 67', 'ES'], // no valid number with or without the 0
      ['+44 (0) 7700 900123', 'US'], // Ofcom's drama range: no line
    ] as const)
      expect(checkCallbackNumber(typed, country)).toMatchObject({ ok: false, reason: 'invalid' });
  });
});
