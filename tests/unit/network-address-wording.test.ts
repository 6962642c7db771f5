import { describe, expect, it } from 'vitest';
import { translate } from '@/lib/i18n/translate';

// The sign-in answer when one internet address has made too many password attempts
// (signIn.throttledAddressUseLink, lib/auth/sign-in.ts). In Spanish it said "la misma dirección de
// oficina o de red móvil", which reads as an office's postal address (re-review of 2026-12-05): the
// shared thing is the address the office or the mobile operator goes out to the internet from.
describe('the per-address sign-in limit names a network address, not a postal one', () => {
  const said = (locale: 'en' | 'es') => translate(locale)('signIn.throttledAddressUseLink', { minutes: 5 });

  it('in Spanish: the address everyone goes out to the internet from, an office’s or a mobile operator’s', () => {
    const es = said('es');
    expect(es).toContain(
      'todos los que salen a internet por la misma dirección de red, la de su oficina o la de su operador de telefonía celular (móvil), cuentan juntos',
    );
    expect(es).not.toMatch(/dirección de oficina/);
    // The rest as before, and as the English: the link now, the password again in so many minutes.
    expect(es).toContain('Use «Enviarme un enlace de acceso» más abajo para entrar ahora.');
    expect(es).toContain('volverá a estar disponible dentro de 5 minutos.');
  });

  it('in English: the office’s or the mobile network’s address, counted together', () => {
    expect(said('en')).toContain('everyone behind the same office or mobile network address counts together');
    expect(said('en')).toContain('opens again in 5 minutes.');
  });
});
