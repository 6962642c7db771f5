import type { CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { readTriggerCalls } from '@/lib/blocks/trigger-calls';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { describeDialled, dialledCandidates, readDialled } from '@/lib/phone/format';
import { destinationsOf } from '@/tests/helpers/destinations';
import { internationalPart } from '@/lib/requests/dialling';

// A fraud destination outside libphonenumber's valid ranges (Cuba's +53 91234567, as fraud numbers
// often are) names its country when a prefix fixes the country code: "+", and the account country's
// own international prefix (ITU-T E.164: the country code follows it as it follows "+"), alone or
// after a PBX's access code. Before, only "+" did: "005391234567" from Spain was "a number we could
// not read", and a callback number in Cuba was accepted for that block.

const CUBA = '+5391234567';

/** The same call to Cuba as each account country's switch or PBX writes it. */
const FORMS: [string, CountryCode][] = [
  ['005391234567', 'ES'],
  ['00 53 9123 4567', 'MX'],
  ['00 53 9123 4567', 'AR'],
  ['00 53 9123 4567', 'GB'],
  ['011 53 9123 4567', 'US'],
  ['810 53 9123 4567', 'RU'],
  ['9 011 53 9123 4567', 'US'], // a PBX's access code, then the IDD
  ['0 00 53 9123 4567', 'ES'],
  ['tel:011-53-9123-4567', 'US'],
];

describe('a number after the account country’s own international prefix names its country, valid or not', () => {
  it('libphonenumber holds +53 91234567 outside Cuba’s valid ranges (else this file proves nothing)', () => {
    expect(describeDialled(CUBA, 'ES')).toMatchObject({ e164: CUBA, country: 'CU' });
    expect(readDialled(CUBA, 'ES')?.number.isValid()).toBe(false);
  });

  it.each(FORMS)('%s from %s is Cuba, as "+5391234567" is', (raw, account) => {
    expect(describeDialled(raw, account)).toMatchObject({
      e164: CUBA,
      country: 'CU',
      countryName: 'Cuba',
      international: true,
    });
    expect(dialledCandidates(raw, account).map((p) => p.number)).toEqual([CUBA]);
    expect(destinationsOf([raw], account, 'en')).toEqual({ names: ['Cuba'], unreadable: 0 });
  });

  it('the callback check refuses Cuba for such a block, whatever prefix the switch wrote', () => {
    for (const [raw, account] of FORMS) {
      const plus = checkCallbackNumber('+53 5 123 4567', account, [CUBA]);
      expect(plus, `${raw} from ${account}`).toMatchObject({ ok: false, reason: 'block_destination' });
      expect(checkCallbackNumber('+53 5 123 4567', account, [raw]), `${raw} from ${account}`).toEqual(plus);
    }
  });

  it('the trigger call is stored as E.164 with its region, as the "+" form is', () => {
    const at = new Date('2026-11-24T15:00:00Z');
    const call = (to: string) => ({
      from: 'acme-100',
      to,
      sourceIp: '203.0.113.9',
      durationSec: 0,
      at: at.toISOString(),
    });
    expect(readTriggerCalls([call('005391234567')], 'ES', at).kept[0]?.to).toBe(CUBA);
    expect(readTriggerCalls([call('9011 5391234567')], 'US', at).kept[0]?.to).toBe(CUBA);
  });

  it('the misdial check reads the same prefix and digits', () => {
    expect(internationalPart('005391234567', 'ES')).toEqual({ prefix: '00', digits: '5391234567' });
    expect(internationalPart('90115391234567', 'US')).toEqual({ prefix: '011', digits: '5391234567' });
    expect(internationalPart('+5391234567', 'ES')).toEqual({ prefix: null, digits: '5391234567' });
  });

  it('a plain "00" where the country’s prefix is another names only a valid number, as before', () => {
    // From the US, "00" is no international prefix: a valid number after it is read, an invalid one is not guessed.
    expect(readDialled('005391234567', 'US')).toBeNull();
    expect(readDialled('00252611234567', 'US')?.number.number).toBe('+252611234567');
  });

  it('a carrier’s prefix that is also "00" and more digits names its country where "00" alone is no prefix', () => {
    // Colombia's 009 is "00" and carrier 9, Australia's 0011 "00" and "11"; neither country dials a
    // plain "00". A valid number after the carrier's form is read; one outside the valid ranges only
    // where "00" and the rest give no number (Kenya's "000"): "009 53 9123 4567" is also +95
    // 391234567 after "00", so it stays unread (since the review of 2026-12-06), Cuba refused for callbacks.
    expect(readDialled('009 53 9123 4567', 'CO')).toBeNull();
    expect(dialledCandidates('009 53 9123 4567', 'CO').map((p) => p.country)).toContain('CU');
    expect(readDialled('0011 53 9123 4567', 'AU')).toBeNull();
    expect(readDialled('000 53 9123 4567', 'KE')).toMatchObject({ prefix: '000', number: { number: CUBA } });
    expect(readDialled('0011 252 61 123 4567', 'AU')?.number.number).toBe('+252611234567');
    // Mexico's "0[09]": "0 09 …" (a PBX's 0, then 09) is also "00 9…"; neither is alone.
    expect(readDialled('00971501234567', 'MX')?.number.number).toBe('+971501234567');
  });

  it('where "00" alone is a prefix too, a carrier’s form after it names only a valid number', () => {
    // Bolivia dials "00" and its carriers' "0010"…"0019": "0013 53 9123 4567" is Cuba through
    // carrier 13, or "1 353 912 34567" after "00"; a plain "00" is a prefix of its own there, so the
    // longer form is not the one prefix the digits can be read with (the rule as before 2026-12-06).
    expect(readDialled('0013 53 9123 4567', 'BO')).toBeNull();
    expect(readDialled('0013 252 61 123 4567', 'BO')?.number.number).toBe('+252611234567');
  });

  it('is not read when another reading names another number (issue 14)', () => {
    // A British PBX's 9 and 00 before Cuba, or Turkey's mobile +90 539 123 4567 without its "+".
    expect(readDialled('9005391234567', 'GB')).toBeNull();
    expect(describeDialled('9005391234567', 'GB')).toMatchObject({ e164: null, country: null });
    expect(dialledCandidates('9005391234567', 'GB').map((p) => p.number)).toEqual([CUBA, '+905391234567']);
    // So support may call neither country back.
    for (const callback of ['+53 5 123 4567', '+90 532 123 4567'])
      expect(checkCallbackNumber(callback, 'GB', ['9005391234567']), callback).toMatchObject({
        ok: false,
        reason: 'block_destination',
      });
  });
});
