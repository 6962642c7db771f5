import { type MailContext, providerArgs, securityShell, when, hello } from './context';
import { renderMail } from './layout';

export type MfaLockedData = {
  recipient: { name: string | null; email: string };
  failures: number;
  lockedAt: Date;
  link: { url: string; expires: Date };
  /**
   * The recipient is staff (an agent or admin: User.role is not `customer`, read by lib/mail/render.ts
   * when the mail is rendered, as for enrolment-code): the footer names the support console, not the
   * customer portal (securityShell). Omitted: a customer.
   */
  staff?: boolean;
};

/**
 * Security alert: the second factor was locked after too many wrong codes; the link unlocks it and
 * signs in (lib/auth/mfa/lockout.ts), so the mail says beside it not to forward or quote it
 * (mail.linkNoForward). Its footer names where the login is: the support console for staff
 * (`d.staff`), else the customer portal (securityShell).
 */
export function mfaLocked(d: MfaLockedData, ctx: MailContext) {
  const { t } = ctx;
  return renderMail(
    {
      subject: t('mail.mfaLocked.subject', providerArgs(ctx)),
      preheader: t('mail.mfaLocked.preheader'),
      parts: [
        hello(ctx, d),
        {
          kind: 'p',
          strong: true,
          text: t('mail.mfaLocked.intro', { failures: d.failures, at: when(d.lockedAt, ctx) }),
        },
        { kind: 'p', text: t('mail.mfaLocked.ifYou') },
        { kind: 'button', label: t('mail.mfaLocked.button'), url: d.link.url },
        { kind: 'small', text: t('mail.mfaLocked.expires', { expires: when(d.link.expires, ctx) }) },
        { kind: 'small', text: t('mail.linkNoForward') },
        { kind: 'p', text: t('mail.mfaLocked.notYou', { support: ctx.support }) },
      ],
    },
    securityShell(ctx, d.staff ?? false),
  );
}
