import { describe, expect, it } from 'vitest';
import type { Locale } from '@/lib/i18n/locales';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';
import { loginEnabled } from '@/lib/mail/templates/login-enabled';
import { mfaLocked } from '@/lib/mail/templates/mfa-locked';
import { recoveryCodeUsed } from '@/lib/mail/templates/recovery-code-used';
import { securityChange } from '@/lib/mail/templates/security-change';

// B1 (2026-12-08, left open by the testers): the mfa-locked, recovery-code-used and security-change
// mails go to agents and admins too (lib/mail/render.ts: the recipient's User.role), but their footer
// said "…your login to the customer portal of your VoIP provider" ("portal de clientes"). As the
// enrolment-code mail already did (tests/mail/enrolment-staff-footer.test.ts), a staff recipient's
// now names the support console; a customer's reads as before. So does login-enabled, which an admin
// enabling a staff login sends too.

const ctx = (locale: Locale): MailContext => ({
  t: mailTranslator(locale),
  locale,
  provider: 'Example Voice',
  support: '+1 212 555 0100 / help@voice.example',
  appUrl: 'https://portal.example',
  timeZone: 'Europe/Madrid',
});
const recipient = { name: 'Sam', email: 'sam@tollgate.example' };
const at = new Date('2026-12-08T10:00:00Z');

const MAILS = {
  mfaLocked: (l: Locale, staff: boolean) =>
    mfaLocked(
      { recipient, failures: 5, lockedAt: at, link: { url: 'https://portal.example/x', expires: at }, staff },
      ctx(l),
    ),
  recoveryCodeUsed: (l: Locale, staff: boolean) =>
    recoveryCodeUsed({ recipient, usedAt: at, ip: '203.0.113.7', left: 7, staff }, ctx(l)),
  securityChange: (l: Locale, staff: boolean) =>
    securityChange({ recipient, change: 'password_changed', at, ip: '203.0.113.7', staff }, ctx(l)),
  securityChangeMfa: (l: Locale, staff: boolean) =>
    securityChange({ recipient, change: 'mfa_enrolled', at, ip: null, staff }, ctx(l)),
  loginEnabled: (l: Locale, staff: boolean) =>
    loginEnabled({ recipient, enabledAt: at, passwordCleared: true, staff }, ctx(l)),
};

const STAFF_FOOTER = {
  en: 'You get this email because it is about the security of your login to the support console of Example Voice.',
  es: 'Recibe este correo porque se refiere a la seguridad de su acceso a la consola de soporte de Example Voice.',
};
const CUSTOMER_FOOTER = {
  en: 'it is about the security of your login to the Example Voice customer portal.',
  es: 'se refiere a la seguridad de su acceso al portal de clientes de Example Voice.',
};

describe('security mails name where the login is: the support console for staff', () => {
  for (const [name, mail] of Object.entries(MAILS))
    for (const locale of ['en', 'es'] as const) {
      it(`${name} to staff (${locale}): the support console, never the customer portal`, () => {
        const m = mail(locale, true);
        expect(m.text).toContain(STAFF_FOOTER[locale]);
        for (const body of [m.text, m.html]) expect(body).not.toMatch(/customer portal|portal de clientes/);
      });
      it(`${name} to a customer (${locale}): the customer portal, as before`, () => {
        const m = mail(locale, false);
        expect(m.text).toContain(CUSTOMER_FOOTER[locale]);
        expect(m.text).not.toMatch(/support console|consola de soporte/);
      });
    }
});
