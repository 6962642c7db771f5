import { describe, expect, it } from 'vitest';
import { CATALOGUES } from '@/lib/i18n/translate';

// A Spanish-speaking agent read "Doble factor…" in the staff audit filter and "Verificación en dos
// pasos" on the customer's profile: one feature, two names (and "segundo factor" in the lock
// messages). The catalogue's most used name is "(autenticación de) doble factor", as English says
// "two-factor (authentication)"; every text says that one now, English too ("second factor" was
// the lock messages' and three audit labels').

/** Every text of a catalogue, with its key. */
function texts(o: unknown, path = ''): [string, string][] {
  if (typeof o === 'string') return [[path, o]];
  if (o && typeof o === 'object')
    return Object.entries(o).flatMap(([k, v]) => texts(v, path ? `${path}.${k}` : k));
  return [];
}

describe('one name for two-factor authentication', () => {
  it('Spanish says "doble factor", never "dos pasos" or "segundo factor"', () => {
    const all = texts(CATALOGUES.es);
    expect(all.filter(([, t]) => /dos pasos|segundo factor/i.test(t)).map(([k]) => k)).toEqual([]);
    expect(all.filter(([, t]) => /doble factor/i.test(t)).length).toBeGreaterThan(30);
  });

  it('English says "two-factor", never "two-step" or "second factor"', () => {
    const all = texts(CATALOGUES.en);
    expect(all.filter(([, t]) => /two-step|second[ -]factor/i.test(t)).map(([k]) => k)).toEqual([]);
  });

  it('the profile and the staff audit filter name it alike', () => {
    expect(CATALOGUES.es.profile.mfaTitle).toBe('Autenticación de doble factor');
    expect(CATALOGUES.en.profile.mfaTitle).toBe('Two-factor authentication');
  });
});
