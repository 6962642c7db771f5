import { describe, expect, it } from 'vitest';
import en from '@/messages/en.json';
import es from '@/messages/es.json';
import { noteText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import { checkCallbackNumber } from '@/lib/phone/callback';

// "High-cost" covers more than premium-rate numbers: ordinary numbers of the Caribbean and the other
// NANP countries outside the US and Canada, satellite (+870, +881) and international networks (+882,
// +883). "Tarificación especial" / "tarificación adicional" (now "tarifa especial (premium)", one term
// read alike in Spain and Latin America) name premium-rate numbers only (803/806/807/905 in Spain),
// so the Spanish said of a Jamaican mobile that it was one.

type Tree = { [k: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : flatten(v, `${prefix}${k}.`),
  );

const PREMIUM_ES = /tarificación (especial|adicional)|tarifa especial|premium/i;
const HIGH_COST_ES = /tarifas? elevadas?/i;

describe('the Spanish words for costly destinations', () => {
  const esKeys = new Map(flatten(es as Tree));

  it('say "tarifa elevada" where the English says high-cost, and keep premium-rate words for premium rate', () => {
    const wrong: string[] = [];
    for (const [key, english] of flatten(en as Tree)) {
      const spanish = esKeys.get(key) ?? '';
      if (/high-cost|high rates/i.test(english) && (PREMIUM_ES.test(spanish) || !HIGH_COST_ES.test(spanish)))
        wrong.push(`${key}: ${spanish}`);
      if (PREMIUM_ES.test(spanish) && !/premium/i.test(english)) wrong.push(`${key}: ${spanish}`);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['+1 876 210 1234', 'Jamaica'], // an ordinary Jamaican mobile, dialled like a domestic call from the US
    ['+881 6 123 45678', null], // satellite
    ['+882 13 10 0123', null], // international networks
  ])('refuses %s as a callback number without calling it premium-rate', (number, country) => {
    const check = checkCallbackNumber(number, 'US', [], 'es');
    if (check.ok) throw new Error(`${number} was accepted`);
    expect(check.reason).toBe('high_cost');
    const spanish = noteText(translate('es'), check.note);
    expect(spanish).toMatch(/ es un número de tarifa elevada \(/);
    expect(spanish).not.toMatch(PREMIUM_ES);
    if (country) expect(spanish).toContain(`(${country})`);
    const english = checkCallbackNumber(number, 'US', [], 'en');
    if (english.ok) throw new Error(`${number} was accepted`);
    expect(noteText(translate('en'), english.note)).toMatch(/ is a high-cost number \(/);
  });
});
