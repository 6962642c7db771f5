import { type CountryCode, getCountries } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { readTriggerCalls } from '@/lib/blocks/trigger-calls';
import { noteText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import { callbackForAgent, checkCallbackNumber } from '@/lib/phone/callback';
import { describeDialled, dialledCandidates, readDialled } from '@/lib/phone/format';
import { destinationsOf } from '@/tests/helpers/destinations';
import { pbxPrefixIn } from '@/lib/phone/pbx';
import { iddPrefixIn, isIddPrefix, planOf } from '@/lib/phone/plan';

// A tester's Colombian account (2026-12-06): "009 252 55 1234 5678", "005 252 55 1234 5678", "007 53
// 91234567" and "00456 53 91234567" (Somalia and Cuba outside libphonenumber's valid ranges, as fraud
// numbers often are) read as "a number we could not read", while the same calls from Spain ("00 53…"),
// Chile ("1230 53…") and Peru ("197700 53…") named their country. Colombia dials no plain "00": every
// call abroad goes through a carrier's form, and a form beginning "00" named only a valid number. And
// a callback number in Somalia was accepted on that block: the check failed open on the unread call.

const CUBA = '+5391234567';

/** The carrier forms beginning "00" of `country`'s IDD pattern (3 to 5 digits), from the metadata. */
function carrierForms(country: CountryCode): string[] {
  const forms: string[] = [];
  for (let length = 3; length <= 5; length++)
    for (let n = 0; n < 10 ** (length - 2); n++) {
      const form = `00${String(n).padStart(length - 2, '0')}`;
      if (isIddPrefix(form, country)) forms.push(form);
    }
  return forms;
}

/** Every country whose IDD pattern has carrier forms beginning "00" and no plain "00". */
const CARRIER_ONLY = getCountries().filter((c) => !isIddPrefix('00', c) && carrierForms(c).length > 0);

describe('a carrier’s form beginning "00" where a plain "00" is no international prefix', () => {
  it('is the metadata’s: Colombia, Brazil, South Korea, Australia and the others (else this proves nothing)', () => {
    expect(CARRIER_ONLY).toEqual(
      expect.arrayContaining(['CO', 'BR', 'KR', 'AU', 'ID', 'KH', 'SG', 'TH', 'TW', 'TZ', 'UG', 'KE', 'NG']),
    );
    expect(carrierForms('CO')).toEqual(['005', '007', '009', '00414', '00444', '00456']);
    // Bolivia and Hong Kong dial a plain "00" beside their carriers' forms: not this rule.
    expect(CARRIER_ONLY).not.toContain('BO');
    expect(CARRIER_ONLY).not.toContain('HK');
    expect(isIddPrefix('00', 'BO')).toBe(true);
  });

  // Since the review of 2026-12-06: a carrier's form names a number outside the valid ranges only
  // when it is possible and a plain "00" gives no number at all (Kenya's "000": "+0…" is none);
  // where it gives another ("007 53…" is also "00 75 391…"), nothing says which was dialled, so the
  // call stays unread, and the callback check refuses every country either reading gives.
  it.each([
    ['009 252 55 1234 5678', 'SO', 'Somalia'],
    ['005 252 55 1234 5678', 'SO', 'Somalia'],
    ['007 53 91234567', 'CU', 'Cuba'],
    ['00456 53 91234567', 'CU', 'Cuba'],
    ['0 009 252 55 1234 5678', 'SO', 'Somalia'], // a PBX's access code first
  ] as const)('%s from Colombia is unread, and a callback in %s refused', (raw, country, name) => {
    expect(readDialled(raw, 'CO')).toBeNull();
    expect(destinationsOf([raw], 'CO', 'en')).toEqual({ names: [], unreadable: 1 });
    expect(dialledCandidates(raw, 'CO').map((p) => p.country)).toContain(country);
    const callback = country === 'CU' ? '+53 5 1234567' : '+252 61 123 4567';
    expect(checkCallbackNumber(callback, 'CO', [raw])).toMatchObject({
      ok: false,
      reason: 'block_destination',
      note: { key: 'outcome.callback.blockMaybeDestination', values: { country: name } },
    });
  });

  it('reads the same call the same way from every such country, through each of its carriers', () => {
    let read = 0;
    let unread = 0;
    for (const country of CARRIER_ONLY)
      for (const form of carrierForms(country)) {
        const raw = `${form}5391234567`;
        if (iddPrefixIn(raw, country) !== form || pbxPrefixIn(raw, country)) continue;
        if (readDialled(`+${raw.slice(2)}`, country)?.number.isValid()) continue;
        const r = readDialled(raw, country);
        if (r) {
          // Only where "00" and the rest give no number: Kenya's "000", Nigeria's "0090"…
          expect(readDialled(`+${raw.slice(2)}`, country), `${raw} from ${country}`).toBeNull();
          expect(r, `${raw} from ${country}`).toMatchObject({
            form: 'idd',
            prefix: form,
            number: { number: CUBA },
          });
          read++;
        } else unread++;
        // Either way a Cuban callback number is refused on that block.
        expect(checkCallbackNumber('+53 5 1234567', country, [raw]), `${raw} from ${country}`).toMatchObject({
          ok: false,
          reason: 'block_destination',
        });
      }
    expect(read).toBeGreaterThan(0);
    expect(unread).toBeGreaterThan(60);
  });

  it('keeps the care where a plain "00" gives a valid number too: not read, both countries refused', () => {
    // +1 812 345 6789 through carrier 9, or India's +91 81234 56789 after "00" (issue 14).
    expect(readDialled('009 1 812 345 6789', 'CO')).toBeNull();
    expect(dialledCandidates('009 1 812 345 6789', 'CO').map((p) => p.country)).toEqual(['US', 'IN']);
    for (const callback of ['+1 212 555 0123', '+91 80 1234 5678'])
      expect(checkCallbackNumber(callback, 'CO', ['009 1 812 345 6789']), callback).toMatchObject({
        ok: false,
        reason: 'block_destination',
        note: { key: 'outcome.callback.blockMaybeDestination' },
      });
  });

  it('stores the trigger call as E.164 where it is read, as written where not', () => {
    const at = new Date('2026-12-06T15:55:00Z');
    const calls = [
      { from: 'ke-pbx', to: '000 53 91234567', sourceIp: '192.0.2.77', durationSec: 0 },
      { from: 'co-pbx', to: '009 252 55 1234 5678', sourceIp: '192.0.2.77', durationSec: 0 },
    ];
    expect(readTriggerCalls([calls[0]!], 'KE', at).kept[0]?.to).toBe(CUBA);
    expect(readTriggerCalls([calls[1]!], 'CO', at).kept[0]?.to).toBe('009 252 55 1234 5678');
  });
});

describe('the callback check on such a block (the tester’s Colombian account)', () => {
  const block = ['009 252 55 1234 5678', '005 252 55 1234 5678'];

  it('refuses a Somali callback number, as on a Spanish account’s Somalia block', () => {
    const co = checkCallbackNumber('+252 61 123 4567', 'CO', block, 'es');
    const es = checkCallbackNumber('+252 61 123 4567', 'ES', ['00 252 55 1234 5678'], 'es');
    expect(co).toMatchObject({
      ok: false,
      reason: 'block_destination',
      note: {
        key: 'outcome.callback.blockMaybeDestination',
        values: { number: '+252 61 123 4567', country: 'Somalia' },
      },
    });
    // Spain's plain "00" reads the call: there it is a certain destination.
    expect(es).toMatchObject({ ok: false, note: { key: 'outcome.callback.blockDestination' } });
  });

  it('the agent is told not to call it', () => {
    const view = callbackForAgent('+252611234567', '+576013456789', 'CO', block, 'es');
    expect(view).toMatchObject({
      safe: false,
      source: 'typed',
      warning: { key: 'outcome.callback.blockMaybeDestination' },
    });
  });

  it('a Colombian number is still fine: the office itself', () => {
    expect(checkCallbackNumber('+57 601 345 6789', 'CO', block)).toMatchObject({ ok: true });
  });

  it('the plan’s own metadata is what says so', () => {
    // Colombia's pattern has no plain "00"; Spain's is "00".
    expect(planOf('CO').IDDPrefix()).toBe('00(?:4(?:[14]4|56)|[579])');
    expect([isIddPrefix('00', 'CO'), isIddPrefix('009', 'CO'), isIddPrefix('00', 'ES')]).toEqual([
      false,
      true,
      true,
    ]);
  });
});

describe('a callback number in a country an unreadable trigger call may have gone to', () => {
  // From the US "00" is no international prefix, and Cuba's +53 91234567 is outside its ranges: no
  // form names the call, and the block page shows it as "a number we could not read". The check took
  // it as no destination at all, and accepted a Cuban callback number.
  const block = ['005391234567'];

  it('the call stays unread on the page', () => {
    expect(readDialled(block[0]!, 'US')).toBeNull();
    expect(destinationsOf(block, 'US', 'en')).toEqual({ names: [], unreadable: 1 });
  });

  it('is refused, said as a possibility, in English and Spanish', () => {
    const en = checkCallbackNumber('+53 5 123 4567', 'US', block, 'en');
    expect(en).toMatchObject({
      ok: false,
      reason: 'block_destination',
      note: {
        key: 'outcome.callback.blockMaybeDestination',
        values: { number: '+53 5 1234567', country: 'Cuba' },
      },
    });
    if (en.ok) return;
    expect(noteText(translate('en'), en.note)).toBe(
      '+53 5 1234567 (Cuba): one of this block’s calls went to a number we could not read with certainty, and it may have gone to that destination, so support cannot call it back there. Enter a number in another country.',
    );
    const es = checkCallbackNumber('+53 5 123 4567', 'US', block, 'es');
    if (es.ok) throw new Error('accepted');
    expect(noteText(translate('es'), es.note)).toBe(
      '+53 5 1234567 (Cuba): una de las llamadas de este bloqueo fue a un número que no hemos podido leer con certeza y pudo ir a ese destino, así que soporte no puede devolverle la llamada ahí. Escriba un número de otro país.',
    );
  });

  it('the agent’s page says not to call it', () => {
    const view = callbackForAgent('+5351234567', null, 'US', block, 'en');
    expect(view).toMatchObject({ safe: false, warning: { key: 'outcome.callback.blockMaybeDestination' } });
  });

  it('a number in the account’s own country or a third one is still accepted', () => {
    expect(checkCallbackNumber('+1 212 555 0123', 'US', block)).toMatchObject({ ok: true });
    expect(checkCallbackNumber('+34 912 345 678', 'US', block)).toMatchObject({ ok: true });
  });

  it('a destination whose digits name no one region counts as every region of its calling code', () => {
    // "00 61 2345678" from Spain is +61 2345678: outside the ranges of Australia, Christmas Island and
    // the Cocos Islands alike, so the page names no country; a callback in any of them is refused.
    expect(describeDialled('00612345678', 'ES')).toMatchObject({ e164: '+612345678', country: null });
    expect(checkCallbackNumber('+61 2 9374 4000', 'ES', ['00612345678'])).toMatchObject({
      ok: false,
      reason: 'block_destination',
      note: {
        key: 'outcome.callback.blockDestination',
        values: { country: { key: 'outcome.callback.aDestination' } },
      },
    });
    expect(checkCallbackNumber('+33 1 23 45 67 89', 'ES', ['00612345678'])).toMatchObject({ ok: true });
  });
});
