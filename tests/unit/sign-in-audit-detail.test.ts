import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createTranslator } from 'use-intl/core';
import { describe, expect, it } from 'vitest';
import { AuditDetailList, detailWords, type DetailWords } from '@/components/staff/audit-detail';
import type { Translate } from '@/lib/i18n/note';
import { readAuditDetail, signInStage } from '@/lib/staff/audit-detail';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

// The sign-in rows in the staff audit log (lib/staff/audit-detail.ts, compliance test of 2026-12-07):
// how far a sign-in got (`method` with `secondFactor`, one field), why a password was refused, when a
// lock ends, which code completed a sign-in; in English and Spanish. Rows written before these fields
// read as they did: nothing is guessed for a field an old row lacks.

function words(locale: 'en' | 'es'): DetailWords {
  const messages = locale === 'en' ? en : es;
  const tag = locale === 'en' ? 'en-GB' : 'es-ES';
  return detailWords({
    staff: createTranslator({ locale: tag, messages, namespace: 'staff' }) as unknown as DetailWords['staff'],
    actors: createTranslator({ locale: tag, messages, namespace: 'actors' }),
    all: createTranslator({ locale: tag, messages }) as unknown as Translate,
    tag,
    timeZone: 'UTC',
  });
}

/** The detail list's text: `label: value` per field, `;` between them. */
function text(action: string, detail: object, locale: 'en' | 'es' = 'en'): string {
  return renderToStaticMarkup(
    h(AuditDetailList, { detail: readAuditDetail(action, JSON.stringify(detail)), words: words(locale) }),
  )
    .replace(/<\/dd><dt>/g, '; ')
    .replace(/<\/dt><dd>/g, ': ')
    .replace(/<[^>]+>/g, '');
}

describe('a sign_in.success row', () => {
  it('with a second factor still due reads "password accepted, second factor pending", not signed in', () => {
    const row = { method: 'password', secondFactor: 'pending', knownDevice: false };
    expect(text('sign_in.success', row)).toBe(
      'Sign-in: Password accepted, two-factor code pending; Known device: no',
    );
    expect(text('sign_in.success', row, 'es')).toBe(
      'Inicio de sesión: Contraseña aceptada, doble factor pendiente; Dispositivo conocido: no',
    );
    expect(text('sign_in.success', { method: 'email_link', secondFactor: 'pending' })).toBe(
      'Sign-in: Emailed sign-in link accepted, two-factor code pending',
    );
  });

  it('without one reads as signed in, by password', () => {
    const row = { method: 'password', secondFactor: 'none', knownDevice: true };
    expect(text('sign_in.success', row)).toBe(
      'Sign-in: Signed in with password (no two-factor authentication set up); Known device: yes',
    );
    expect(text('sign_in.success', row, 'es')).toBe(
      'Inicio de sesión: Sesión iniciada con contraseña (sin doble factor configurado); Dispositivo conocido: sí',
    );
  });

  it('every method and state has words in both catalogues', () => {
    for (const method of ['password', 'email_link', 'mfa_unlock_link'])
      for (const secondFactor of ['pending', 'none'])
        for (const locale of ['en', 'es'] as const) {
          const out = text('sign_in.success', { method, secondFactor }, locale);
          // A missing word would show the stored code ("password pending") instead.
          expect(out, `${locale} ${method} ${secondFactor}`).toMatch(/^(Sign-in|Inicio de sesión): \S/);
          expect(out, `${locale} ${method} ${secondFactor}`).not.toContain(`${method} ${secondFactor}`);
        }
  });

  it('written before 2026-12-07 reads as it did: no second factor is guessed', () => {
    expect(text('sign_in.success', { knownDevice: true })).toBe('Known device: yes');
    expect(text('sign_in.success', { method: 'email_link' })).toBe('Method: emailed sign-in link');
    expect(text('sign_in.success', { method: 'mfa_unlock_link' }, 'es')).toBe(
      'Método: enlace de desbloqueo del doble factor',
    );
  });

  it('with a value no writer stores shows each key by itself', () => {
    expect(text('sign_in.success', { method: 'password', secondFactor: 'maybe' })).toBe(
      'Method: password; Two-factor code: maybe',
    );
    expect(text('sign_in.success', { method: 'sms', secondFactor: 'pending' })).toBe(
      'Method: sms; Two-factor code: pending: not signed in until a code is accepted',
    );
  });
});

describe('a sign_in.failure row', () => {
  it('says why, in the reader’s words', () => {
    const cases = {
      unknown_email: ['no login has this address', 'ningún acceso tiene esta dirección'],
      wrong_password: ['wrong password', 'contraseña incorrecta'],
      no_password: ['the login has no password set', 'el acceso no tiene contraseña'],
      disabled: [
        'right password, but the login is disabled',
        'contraseña correcta, pero el acceso está desactivado',
      ],
      malformed: ['email or password not readable', 'correo o contraseña ilegibles'],
      unspecified: ['not given', 'no indicado'],
    };
    for (const [reason, [inEn, inEs]] of Object.entries(cases)) {
      expect(text('sign_in.failure', { reason })).toBe(`Why it failed: ${inEn}`);
      expect(text('sign_in.failure', { reason }, 'es')).toBe(`Motivo del fallo: ${inEs}`);
    }
  });

  it('written before reads as it did (no reason, nothing said of one)', () => {
    expect(text('sign_in.failure', { email: 'ana@t.example', knownDevice: false })).toBe(
      'Email: ana@t.example; Known device: no',
    );
  });
});

describe('lock ends and completed sign-ins', () => {
  it('a throttled row says until when, in the reader’s zone', () => {
    const row = { by: 'signInEmailDevices', lockedUntil: '2026-12-07T10:15:00.000Z' };
    expect(text('sign_in.throttled', row)).toMatch(
      /^Limit reached: sign-ins for this email from its known browsers; Locked until: .*10:15/,
    );
    expect(text('sign_in.throttled', row, 'es')).toMatch(
      /^Límite alcanzado: inicios de sesión de este correo desde sus navegadores conocidos; Bloqueado hasta: .*10:15/,
    );
  });

  it('mfa.verified names the code that completed the sign-in; an older row has none', () => {
    expect(text('mfa.verified', { kind: 'recovery' })).toBe('Code type: recovery code');
    expect(text('mfa.verified', { kind: 'totp' }, 'es')).toBe('Tipo de código: código del autenticador');
    expect(readAuditDetail('mfa.verified', null)).toBeNull();
  });

  it('the action names say where a sign-in completes', () => {
    expect(en.staff.audit.actions['mfa:verified']).toBe('Signed in: two-factor code accepted');
    expect(es.staff.audit.actions['mfa:verified']).toBe('Inicio de sesión: código de doble factor aceptado');
  });

  it('a password or link accepted with the code still due is not named a sign-in, nor an older row', () => {
    const stage = (action: string, detail: object | null) =>
      signInStage(action, detail && JSON.stringify(detail));
    expect(stage('sign_in.success', { method: 'password', secondFactor: 'pending' })).toBe('pending');
    expect(stage('sign_in.success', { method: 'email_link', secondFactor: 'pending' })).toBe('pending');
    expect(stage('sign_in.success', { method: 'password', secondFactor: 'none' })).toBe('complete');
    // An older row never said whether a code was still due: not read as complete (an upgrade tester
    // saw a staff member's password-only step, its code then refused, still named "Signed in").
    expect(stage('sign_in.success', { knownDevice: true })).toBe('unrecorded');
    expect(stage('sign_in.success', null)).toBe('unrecorded');
    expect(stage('mfa.verified', { method: 'password', secondFactor: 'pending' })).toBeNull();
    expect(en.staff.audit.signInPending).toBe('Not signed in yet: two-factor code pending');
    expect(en.staff.audit.signInUnrecorded).toBe('Password or sign-in link accepted');
  });
});
