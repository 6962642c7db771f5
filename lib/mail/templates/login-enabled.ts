import { type MailContext, providerArgs, securityShell, when, hello, url } from './context';
import { renderMail } from './layout';

export type LoginEnabledData = {
  recipient: { name: string | null; email: string };
  enabledAt: Date;
  /** Support removed the password as they enabled the login (enableCustomerLogin `clearPassword`). */
  passwordCleared: boolean;
  /**
   * The recipient is staff (an agent or admin enabled again by an admin: lib/staff/users.ts; User.role
   * read by lib/mail/render.ts): the mail speaks of the support console and an admin
   * (`mail.loginEnabled.staff.*`), and its footer names the support console (securityShell). Omitted:
   * a customer.
   */
  staff?: boolean;
};

/**
 * Security alert: support enabled this customer login again after it was disabled
 * (lib/staff/customer-logins.ts enableCustomerLogin). Enabling is what a caller who talked support
 * into it would ask for, so the login's owner hears of it at once, with what to do if they did not
 * ask, as banks do for a reactivated card. It says what became of the password: removed (sign in with
 * an emailed link, then choose a new one) or unchanged (change it if it may be known to someone
 * else). No sign-in link: the button opens the profile page. A staff login enabled again by an admin
 * (`d.staff`) reads the same in staff's words: "An admin enabled your login to the support console
 * again", and the support console's footer.
 */
export function loginEnabled(d: LoginEnabledData, ctx: MailContext) {
  const { t } = ctx;
  // A staff login's lines (`staff.*`) where the customer's name the customer portal or support.
  const own = (key: 'preheader' | 'intro' | 'passwordCleared' | 'notYou') =>
    d.staff ? (`mail.loginEnabled.staff.${key}` as const) : (`mail.loginEnabled.${key}` as const);
  return renderMail(
    {
      subject: t('mail.loginEnabled.subject', providerArgs(ctx)),
      preheader: t(own('preheader')),
      parts: [
        hello(ctx, d),
        { kind: 'p', strong: true, text: t(own('intro'), { at: when(d.enabledAt, ctx) }) },
        { kind: 'p', text: t(d.passwordCleared ? own('passwordCleared') : 'mail.loginEnabled.password') },
        { kind: 'button', label: t('mail.loginEnabled.button'), url: url(ctx, '/profile') },
        { kind: 'p', text: t(own('notYou'), { support: ctx.support }) },
      ],
    },
    securityShell(ctx, d.staff ?? false),
  );
}
