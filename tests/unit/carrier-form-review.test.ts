import type { CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { dialledCandidates, readDialled } from '@/lib/phone/format';

// The review of today's carrier-form rule (2026-12-06): whatever followed "005" or "0011" was taken as
// certain, even far too short to be a number, and named the wrong country; and a destination with no
// region was widened to its whole calling code even when no number of that length exists. A carrier's
// form beginning "00" (where a plain "00" is no prefix) now names a number outside the valid ranges
// only when it is possible and "00" and the rest give no other number; a PBX's access code alone
// before a national number (no trunk prefix) only when the bare digits give no other number.

/** [as the switch wrote it, account country, the countries the call may have gone to] */
const UNREAD: [string, CountryCode, (string | undefined)[]][] = [
  ['0053 91234567', 'CO', [undefined, 'CU']], // Cuba after "00", or "+39 1234567" through carrier 5
  ['001441370123', 'AU', ['CH', 'BM']], // Bermuda one digit short, or "+41 370123" through 0014
  ['005622123456', 'CO', ['ID', 'CL']], // Chile's old Santiago form, or "+62 2123456" through 005
  ['00223456789', 'TW', ['NG', 'ML']], // Taipei through a PBX's 0, or "+234 56789" through 002
  // Seoul through a PBX's 0, or "+1 2345678" through 002, or "+212 345678" (Morocco's code, too short).
  ['0 02 1234 5678', 'KR', [undefined, undefined]],
  ['9617112345', 'CL', ['CL', 'LB']], // a Chilean number through a PBX's 9, or Lebanon one digit short
  ['905012345678', 'IT', ['IT', 'TR']], // a Pisa number through a PBX's 9, or a Turkish mobile
];

/** [as the switch wrote it, account country, the number it is] */
const READ: [string, CountryCode, string][] = [
  ['0059399123456', 'CO', '+59399123456'], // Ecuador: "+93 99123456" through 005 is no possible number
  ['0014155550123', 'BR', '+14155550123'], // San Francisco: "+1 55550123" through 0014 is none
  ['005112345678', 'CO', '+5112345678'], // Lima: "+1 12345678" through 005 is none
  ['0018762101234', 'AU', '+18762101234'], // Jamaica: "+76 2101234" through 0018 is none
];

describe('a carrier’s form or an access code that names a number that cannot exist', () => {
  it.each(UNREAD)('%s from %s is not read', (raw, country, candidates) => {
    expect(readDialled(raw, country)).toBeNull();
    expect(dialledCandidates(raw, country).map((p) => p.country)).toEqual(candidates);
  });

  it.each(READ)('%s from %s is %s, as before today', (raw, country, e164) => {
    expect(readDialled(raw, country)?.number.number).toBe(e164);
  });
});

describe('the callback check on those blocks', () => {
  const refused = (key: string) => ({ ok: false, reason: 'block_destination', note: { key } });
  it.each([
    ['+53 5 1234567', 'CO', '0053 91234567', 'outcome.callback.blockMaybeDestination'],
    ['+53 5 1234567', 'CO', '005391234567', 'outcome.callback.blockMaybeDestination'],
    ['+1 441 292 1234', 'AU', '001441370123', 'outcome.callback.blockMaybeDestination'],
    ['+56 2 2123 4567', 'CO', '005622123456', 'outcome.callback.blockMaybeDestination'],
    ['+961 71 123 456', 'CL', '9617112345', 'outcome.callback.blockMaybeDestination'],
    ['+90 532 123 4567', 'IT', '905012345678', 'outcome.callback.blockMaybeDestination'],
    ['+1 415 555 0199', 'BR', '0014155550123', 'outcome.callback.blockDestination'],
  ] as const)('%s from %s on %s is refused', (callback, country, block, key) => {
    expect(checkCallbackNumber(callback, country, [block])).toMatchObject(refused(key));
  });

  it.each([
    // "+1 12345678" through carrier 5 is no possible number: not the whole of +1.
    ['+1 212 555 0123', 'CO', '005112345678'],
    ['+1 212 555 0123', 'KR', '0 02 1234 5678'],
    // "+41 370123" through 0014 is a possible reading no more; London is in neither country.
    ['+44 20 7946 0958', 'AU', '001441370123'],
  ] as const)('%s from %s on %s is accepted', (callback, country, block) => {
    expect(checkCallbackNumber(callback, country, [block])).toMatchObject({ ok: true });
  });

  it('a possible number with no region still counts as every region of its calling code', () => {
    // "+39 1234567" through carrier 5 is possible, outside Italy's and the Vatican's ranges alike.
    expect(checkCallbackNumber('+39 06 1234 5678', 'CO', ['005391234567'])).toMatchObject(
      refused('outcome.callback.blockMaybeDestination'),
    );
  });
});
