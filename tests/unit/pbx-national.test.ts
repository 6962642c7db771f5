import type { CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { readTriggerCalls } from '@/lib/blocks/trigger-calls';
import { translate } from '@/lib/i18n/translate';
import { describeDialled, dialledCandidates, parseUserPhone, readDialled } from '@/lib/phone/format';
import { destinationsOf } from '@/tests/helpers/destinations';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { pbxTrunkIn } from '@/lib/phone/pbx';
import { trunkPrefixOf } from '@/lib/phone/plan';
import { internationalPart } from '@/lib/requests/dialling';

// A tester's Spanish account (2026-12-06): a PBX's outside-line "0" before a national number, "0 806
// 123 456" (premium rate) and "0 912 345 678", read as "a number we could not read", while "0 00
// 252…" from the same PBX read right. Spain has no trunk prefix, and an access code was read only
// before one, so every national call of a Spanish PBX was unreadable, premium-rate 803/806/807
// fraud through a PBX among them. In a country without a trunk prefix an access code before a
// national number is now read where the digits cannot be read another way: what follows is a valid
// national number and the whole is none (nor another reading's number).

/** [as the PBX wrote it, account country, the number, its kind where notable] */
const READ: [string, CountryCode, string, string | null][] = [
  ['0 806 123 456', 'ES', '+34806123456', 'premium_rate'],
  ['0 803 123 456', 'ES', '+34803123456', 'premium_rate'],
  ['0 807 123 456', 'ES', '+34807123456', 'premium_rate'],
  ['0 912 345 678', 'ES', '+34912345678', null],
  ['9 912 345 678', 'ES', '+34912345678', null],
  ['0 612 345 678', 'ES', '+34612345678', null],
  // Italy's numbers keep their leading 0: a "0" before a mobile.
  ['0 333 123 4567', 'IT', '+393331234567', null],
  ['0 21 234 5678', 'PT', '+351212345678', null],
  ['0 760 123 456', 'PT', '+351760123456', 'premium_rate'],
  ['0 3312 3456', 'DK', '+4533123456', null],
  ['0 2212 3456', 'NO', '+4722123456', null],
  ['0 412 34 567', 'NO', '+4741234567', null],
  ['0 55 1234 5678', 'MX', '+525512345678', null],
];

describe('a PBX’s access code before a national number, where the country has no trunk prefix', () => {
  it('is where the metadata says: none of these countries has a trunk prefix', () => {
    for (const c of ['ES', 'IT', 'PT', 'DK', 'NO', 'MX'] as const) expect(trunkPrefixOf(c), c).toBe('');
  });

  it.each(READ)('%s from %s is %s', (raw, country, e164, highCost) => {
    expect(readDialled(raw, country)).toMatchObject({
      form: 'pbx',
      access: raw[0],
      number: { number: e164 },
    });
    expect(readDialled(raw, country)?.trunk).toBeUndefined();
    expect(describeDialled(raw, country)).toMatchObject({ e164, country, international: false, highCost });
    expect(dialledCandidates(raw, country).map((p) => p.number)).toEqual([e164]);
    // A national call: the misdial check finds no international prefix in it.
    expect(internationalPart(raw, country)).toBeNull();
  });

  it('names the premium-rate range on the block page, in Spanish too', () => {
    expect(describeDialled('0 806 123 456', 'ES', 'es')).toMatchObject({
      countryName: 'España',
      range: translate('es')('phone.type.premiumRate'),
    });
    expect(destinationsOf(['0806123456', '0912345678'], 'ES', 'es')).toEqual({
      names: ['España'],
      unreadable: 0,
    });
  });

  it('stores the trigger call as E.164', () => {
    const at = new Date('2026-12-06T16:07:00Z');
    const call = { from: 'es-pbx', to: '0 806 123 456', sourceIp: '203.0.113.9', durationSec: 0 };
    expect(readTriggerCalls([call], 'ES', at).kept[0]?.to).toBe('+34806123456');
  });

  it('is not read where another reading names another number (issue 14)', () => {
    // "9 806 123 456": Spain's premium rate through a PBX, or Iran's +98 6123456 written without "+".
    expect(readDialled('9806123456', 'ES')).toBeNull();
    expect(dialledCandidates('9806123456', 'ES').map((p) => p.country)).toEqual(['ES', 'IR']);
  });

  // Since the review of 2026-12-06: the access code alone is read only where the bare digits give no
  // number of any country ("+9 912…" is none; "+0…" never is). "9 06 1234 5678" from Italy is also
  // Turkey's +90 612345678 (one digit short), "9617112345" from Chile Lebanon's +961 7112345: either
  // could be the call, so it is not read, and both countries are refused for callbacks.
  it.each([
    ['9 06 1234 5678', 'IT', 'TR', '+90 532 123 4567'],
    ['9 21 234 5678', 'PT', 'PK', '+92 301 2345678'],
    ['9 3312 3456', 'DK', 'AF', '+93 70 123 4567'],
    ['9 55 1234 5678', 'MX', 'MM', '+95 9 212 3456'],
    ['9617112345', 'CL', 'LB', '+961 71 123 456'],
  ] as const)(
    '%s from %s is not read where the bare digits give another number',
    (raw, country, other, callback) => {
      expect(readDialled(raw, country)).toBeNull();
      expect(dialledCandidates(raw, country).map((p) => p.country)).toEqual([country, other]);
      expect(checkCallbackNumber(callback, country, [raw])).toMatchObject({
        ok: false,
        reason: 'block_destination',
        note: { key: 'outcome.callback.blockMaybeDestination' },
      });
    },
  );

  it('a whole that is itself a valid national number is that number', () => {
    // Italy's "0899 123 456" is Salerno's (089) 912 3456, not the premium 899 123 456 behind a "0";
    // Luxembourg's "949 500 7" is its own number too (the rest, 495 007, would be one as well).
    expect(readDialled('0899123456', 'IT')).toMatchObject({
      form: 'national',
      number: { number: '+390899123456' },
    });
    expect(readDialled('9495007', 'LU')).toMatchObject({
      form: 'national',
      number: { number: '+3529495007' },
    });
    // Chile's "09 8123 4567" is the old trunk "0" before a mobile (lib/phone/legacy.ts), not an access code.
    expect(readDialled('0981234567', 'CL')).toMatchObject({
      form: 'national',
      number: { number: '+56981234567' },
    });
  });

  it('where the access code "0" and the number make the international prefix, the prefix is read', () => {
    // "0 00 252…" from Spain is Somalia through the PBX, as before; Italy's "0 06…" is "00 6…".
    expect(readDialled('0 00 252 61 123 4567', 'ES')).toMatchObject({ form: 'pbx', prefix: '00' });
    expect(pbxTrunkIn('00612345678', 'IT')).toBeNull();
    expect(readDialled('0 06 1234 5678', 'IT')).toMatchObject({ form: 'idd', prefix: '00' });
  });

  it('is a switch’s record only: a person’s typed number is not read so', () => {
    // A callback number "0 912 345 678" typed in Spain is refused as it was (no Spanish number begins
    // with 0: a person who types one may mean another country's), never guessed as Madrid's.
    expect(parseUserPhone('0 912 345 678', 'ES')).toBeNull();
    expect(parseUserPhone('0692 12 34 56', 'ES')).toBeNull();
  });
});
