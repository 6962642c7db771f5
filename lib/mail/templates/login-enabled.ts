import { type MailContext, providerArgs, shell, when, hello, url } from './context';
import { renderMail } from './layout';

export type LoginEnabledData = {
  recipient: { name: string | null; email: string };
  enabledAt: Date;
  /** Support removed the password as they enabled the login (enableCustomerLogin `clearPassword`). */
  passwordCleared: boolean;
};

/**
 * Security alert: support enabled this customer login again after it was disabled
 * (lib/staff/customer-logins.ts enableCustomerLogin). Enabling is what a caller who talked support
 * into it would ask for, so the login's owner hears of it at once, with what to do if they did not
 * ask, as banks do for a reactivated card. It says what became of the password: removed (sign in with
 * an emailed link, then choose a new one) or unchanged (change it if it may be known to someone
 * else). No sign-in link: the button opens the profile page.
 */
export function loginEnabled(d: LoginEnabledData, ctx: MailContext) {
  const { t } = ctx;
  return renderMail(
    {
      subject: t('mail.loginEnabled.subject', providerArgs(ctx)),
      preheader: t('mail.loginEnabled.preheader'),
      parts: [
        hello(ctx, d),
        { kind: 'p', strong: true, text: t('mail.loginEnabled.intro', { at: when(d.enabledAt, ctx) }) },
        {
          kind: 'p',
          text: t(d.passwordCleared ? 'mail.loginEnabled.passwordCleared' : 'mail.loginEnabled.password'),
        },
        { kind: 'button', label: t('mail.loginEnabled.button'), url: url(ctx, '/profile') },
        { kind: 'p', text: t('mail.loginEnabled.notYou', { support: ctx.support }) },
      ],
    },
    shell(ctx, t('mail.footerSecurity', providerArgs(ctx))),
  );
}
