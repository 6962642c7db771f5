import { getExampleNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { describeDialled, dialledCandidates, parseUserPhone, readDialled } from '@/lib/phone/format';
import { destinationsOf } from '@/tests/helpers/destinations';
import { pbxTrunkIn } from '@/lib/phone/pbx';
import { internationalPart } from '@/lib/requests/dialling';

// A PBX extension dials its outside-line access code, then what any phone of the country dials: the
// international prefix and a number abroad, or the trunk prefix and a national number. "9 1 876 234
// 5678" from a US PBX is 9, NANP's trunk 1 and Jamaica's (876) 234-5678; the same twelve digits are
// India's +91 87623 45678 written without "+", which is how it was read, with confidence. Two
// readings that name two numbers are not read (docs/switch-api.md, issue 14): either could name the
// wrong country.

/** NANP numbers in the one-ring-scam area codes, with India's number the same digits make after 9 1. */
const NANP_VIA_PBX: [string, string, string][] = [
  ['918762345678', '+18762345678', 'JM'],
  ['918762101234', '+18762101234', 'JM'],
  ['918092345678', '+18092345678', 'DO'],
  // Outside libphonenumber's ranges for Grenada and the British Virgin Islands, as fraud numbers
  // often are: their area code still names the country, as a country code would.
  ['914732345678', '+14732345678', 'GD'],
  ['912842345678', '+12842345678', 'VG'],
];

describe('an access code, the trunk prefix and a national number (9 1 876 … from the US)', () => {
  it.each(NANP_VIA_PBX)('%s from the US is %s or India’s +%s: not read', (raw, nanp, region) => {
    const india = `+${raw}`;
    expect(describeDialled(nanp, 'US').country).toBe(region);
    expect(describeDialled(india, 'US').country).toBe('IN');
    expect(readDialled(raw, 'US')).toBeNull();
    expect(describeDialled(raw, 'US')).toMatchObject({ e164: null, country: null, display: raw });
    expect(dialledCandidates(raw, 'US').map((p) => p.number)).toEqual([nanp, india]);
    expect(destinationsOf([raw], 'US', 'en')).toEqual({ names: [], unreadable: 1 });
    // Nor does the misdial check take the digits as India's E.164 digits.
    expect(internationalPart(raw, 'US')).toBeNull();
  });

  it('is read as the NANP number where India’s reading is no number', () => {
    // +91 47340 31234 and +91 28430 01234 are outside India's ranges; Grenada's +1 473 403 1234
    // and the British Virgin Islands' +1 284 300 1234 are not.
    for (const [raw, nanp, region] of [
      ['914734031234', '+14734031234', 'GD'],
      ['912843001234', '+12843001234', 'VG'],
    ] as const) {
      expect(readDialled(raw, 'US'), raw).toMatchObject({
        form: 'pbx',
        access: '9',
        trunk: '1',
        number: { number: nanp },
      });
      expect(describeDialled(raw, 'US'), raw).toMatchObject({
        country: region,
        highCost: 'nanp_outside_us_ca',
      });
    }
  });

  it('a national number with NANP’s trunk 1 names its country by area code, valid or not', () => {
    // As "+1 473 234 5678" does; before, "1 473 234 5678" from the US was "a number we could not read".
    expect(describeDialled('14732345678', 'US')).toMatchObject({
      e164: '+14732345678',
      country: 'GD',
      highCost: 'nanp_outside_us_ca',
    });
    expect(describeDialled('+14732345678', 'US')).toMatchObject({ e164: '+14732345678', country: 'GD' });
  });

  it('support may call back neither country such a call may have gone to', () => {
    expect(checkCallbackNumber('+91 80 1234 5678', 'US', ['918762345678'])).toMatchObject({
      ok: false,
      reason: 'block_destination',
    });
    // Grenada's number outside its ranges: refused as high-cost from the US either way, and named.
    expect(checkCallbackNumber('+1 473 403 1234', 'US', ['914732345678'])).toMatchObject({ ok: false });
  });

  it('is read where no other reading names another number', () => {
    // 9 0 20 7946 0958 from a British PBX: +90 20 7946 0958 is no Turkish number.
    expect(readDialled('9 0 20 7946 0958', 'GB')).toMatchObject({
      form: 'pbx',
      access: '9',
      trunk: '0',
      number: { number: '+442079460958' },
    });
    expect(describeDialled('902079460958', 'GB')).toMatchObject({ country: 'GB', international: false });
    expect(internationalPart('902079460958', 'GB')).toBeNull(); // a national call
    // As typed at the extension: the callback number someone dials from their desk.
    expect(parseUserPhone('9 0 20 7946 0958', 'GB')).toBe('+442079460958');
  });

  it('where the access code "0" and the trunk 0 make "00", the international prefix is read', () => {
    // German PBX digits "0 030 1234567" (Berlin) are "00 30 1234567", Greece's (outside its
    // ranges): read as the switch reads them, after the international prefix. Germany's numbering
    // plan makes nearly every "0 0…" a valid national number, so weighing it would read no call at all.
    expect(readDialled('00301234567', 'DE')).toMatchObject({ form: 'idd', number: { number: '+301234567' } });
    const gb = getExampleNumber('GB', examples)!.number;
    expect(readDialled(`00${gb.slice(1)}`, 'DE')?.number.number).toBe(gb);
    expect(pbxTrunkIn('00301234567', 'DE')).toBeNull();
    // Where "00" is not the country's prefix, it is weighed: Japan's is 010, and "0 0298 21 1234" is Tsukuba.
    expect(dialledCandidates('00298211234', 'JP').map((p) => p.number)).toEqual([
      '+298211234',
      '+81298211234',
    ]);
  });

  it('finds the access code and trunk prefix in the metadata’s plan, never before the IDD prefix', () => {
    expect(pbxTrunkIn('918762345678', 'US')).toEqual({ access: '9', trunk: '1' });
    expect(pbxTrunkIn('902079460958', 'GB')).toEqual({ access: '9', trunk: '0' });
    expect(pbxTrunkIn('98495123456', 'RU')).toEqual({ access: '9', trunk: '8' });
    expect(pbxTrunkIn('9011252611234567', 'US')).toBeNull(); // 9 then the IDD: pbxPrefixIn's
    expect(pbxTrunkIn('900252611234567', 'GB')).toBeNull();
    // Spain has no trunk prefix: the access code alone (tests/unit/pbx-national.test.ts).
    expect(pbxTrunkIn('0963123456', 'ES')).toEqual({ access: '0', trunk: '' });
    expect(pbxTrunkIn('000963123456', 'ES')).toBeNull(); // "0 00…": the international prefix
    expect(pbxTrunkIn('92125550123', 'US')).toBeNull(); // a national number without the trunk 1
  });
});
