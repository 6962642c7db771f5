import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDialled, NON_GEOGRAPHIC, nonGeographicCodes, NUMBER_TYPE_KEYS } from '@/lib/phone/format';
import { translate } from '@/lib/i18n/translate';

// Names of number ranges come from the catalogues (issue 15): the networks outside any country
// (+800, +881, +882, +883 …) and the kinds of number libphonenumber-js tells apart (toll-free, premium
// rate, VoIP, pager …). Each is a key in both languages; a library update that adds a kind fails here.

/** Every member of `PhoneNumberType` as libphonenumber-js declares it (types.d.ts), i.e. what getType() can return. */
function declaredTypes(): string[] {
  const pkg = path.dirname(createRequire(import.meta.url).resolve('libphonenumber-js/package.json'));
  const dts = fs.readFileSync(path.join(pkg, 'types.d.ts'), 'utf8');
  const union = /export type PhoneNumberType\s*=([^;]+);/.exec(dts)?.[1];
  if (!union) throw new Error('PhoneNumberType not found in libphonenumber-js/types.d.ts');
  return [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]!);
}

const en = translate('en');
const es = translate('es');
const hasKey = (t: typeof en, key: string) => (t as unknown as { has(k: string): boolean }).has(key);

describe('number range names', () => {
  it('every kind of number libphonenumber-js can return has a key, worded in English and in Spanish', () => {
    const declared = declaredTypes();
    expect(declared.length).toBeGreaterThanOrEqual(11);
    expect(Object.keys(NUMBER_TYPE_KEYS).sort()).toEqual([...declared].sort());
    for (const type of declared) {
      const key = NUMBER_TYPE_KEYS[type as keyof typeof NUMBER_TYPE_KEYS];
      expect(hasKey(en, key), `${type} → ${key} (en)`).toBe(true);
      expect(hasKey(es, key), `${type} → ${key} (es)`).toBe(true);
      expect(es(key), type).not.toBe(en(key));
    }
  });

  it('every non-geographic code in the metadata is named in both catalogues', () => {
    for (const code of nonGeographicCodes()) {
      const key = NON_GEOGRAPHIC[code]!.key;
      expect(hasKey(en, key), `+${code} (en)`).toBe(true);
      expect(hasKey(es, key), `+${code} (es)`).toBe(true);
      expect(es(key), `+${code}`).not.toBe(en(key));
    }
  });

  it('a dialled number names its network and its kind in the reader’s language', () => {
    expect(describeDialled('+882131000456', 'GB', 'en-US')).toMatchObject({
      countryName: 'international networks',
      highCost: 'international_network',
    });
    expect(describeDialled('+882131000456', 'GB', 'es')).toMatchObject({
      countryName: 'redes internacionales',
      highCost: 'international_network',
    });
    expect(describeDialled('+881612345678', 'GB', 'es').countryName).toBe(
      'números del sistema mundial de comunicaciones móviles por satélite',
    );
    expect(describeDialled('+80012345678', 'US')).toMatchObject({
      countryName: 'international freephone numbers',
      range: 'Toll-free number',
    });
    expect(describeDialled('+80012345678', 'US', 'es-MX')).toMatchObject({
      countryName: 'números internacionales de llamada gratuita',
      range: 'número gratuito',
    });
    for (const [raw, english, spanish] of [
      // Spanish: one term read alike in Spain and Latin America ("costo", "tarifa especial (premium)"),
      // in lower case as the premium-rate line (block.highCost) and the networks' names are.
      ['+449098790000', 'Premium-rate number', 'número de tarifa especial (premium)'],
      ['+34902123456', 'Shared-cost number', 'número de costo compartido'],
      ['+445612345678', 'VoIP number', 'número VoIP'],
      ['+447012345678', 'Personal number (follow-me)', 'número personal (sígame)'],
      ['+447640123456', 'Pager', 'buscapersonas'],
      ['+445512345678', 'Universal access number (UAN)', 'número de acceso universal (UAN)'],
    ] as const) {
      expect(describeDialled(raw, 'US').range, raw).toBe(english);
      expect(describeDialled(raw, 'US', 'es').range, raw).toBe(spanish);
    }
    // Landlines and mobiles are what a country's name already says: no range line.
    expect(describeDialled('+442079460000', 'US', 'es')).toMatchObject({
      countryName: 'Reino Unido',
      range: null,
    });
    expect(describeDialled('+12125550123', 'GB').range).toBeNull();
  });
});
