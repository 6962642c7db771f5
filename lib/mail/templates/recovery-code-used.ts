import { type MailContext, providerArgs, securityShell, when, hello, url } from './context';
import { renderMail } from './layout';

export type RecoveryCodeUsedData = {
  recipient: { name: string | null; email: string };
  usedAt: Date;
  /** The address the code came from (the request's client address), when known. */
  ip: string | null;
  /** The user's unused recovery codes after this one. */
  left: number;
  /**
   * The recipient is staff (an agent or admin: User.role is not `customer`, read by lib/mail/render.ts
   * when the mail is rendered, as for enrolment-code): the footer names the support console, not the
   * customer portal (securityShell). Omitted: a customer.
   */
  staff?: boolean;
};

/**
 * Security alert: a recovery code was used in place of the authenticator (lib/auth/mfa/verify.ts).
 * A recovery code is the password's second half for someone without the phone, so its holder is told
 * at once, with how many codes are left and what to do if it was not them, as banks and GitHub do.
 * No sign-in link: the button opens the profile page, where a signed-in user makes new codes. Its
 * footer names where the login is: the support console for staff (`d.staff`), else the customer
 * portal (securityShell).
 */
export function recoveryCodeUsed(d: RecoveryCodeUsedData, ctx: MailContext) {
  const { t } = ctx;
  return renderMail(
    {
      subject: t('mail.recoveryCodeUsed.subject', providerArgs(ctx)),
      preheader: t('mail.recoveryCodeUsed.preheader'),
      parts: [
        hello(ctx, d),
        {
          kind: 'p',
          strong: true,
          text: t('mail.recoveryCodeUsed.intro', {
            at: when(d.usedAt, ctx),
            ip: d.ip ?? '',
            known: d.ip ? 'yes' : 'no',
          }),
        },
        { kind: 'p', text: t('mail.recoveryCodeUsed.left', { count: d.left }) },
        { kind: 'p', text: t('mail.recoveryCodeUsed.ifYou') },
        { kind: 'button', label: t('mail.recoveryCodeUsed.button'), url: url(ctx, '/profile') },
        { kind: 'p', text: t('mail.recoveryCodeUsed.notYou', { support: ctx.support }) },
      ],
    },
    securityShell(ctx, d.staff ?? false),
  );
}
