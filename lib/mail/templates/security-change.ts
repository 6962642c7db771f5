import { type MailContext, providerArgs, securityShell, when, hello, url } from './context';
import { renderMail } from './layout';
import type { SecurityChange } from '@/lib/mail/payloads';

export type SecurityChangeData = {
  recipient: { name: string | null; email: string };
  change: SecurityChange;
  at: Date;
  /** The client address of the request that made the change, when known. */
  ip: string | null;
  /**
   * The recipient is staff (an agent or admin: User.role is not `customer`, read by lib/mail/render.ts
   * when the mail is rendered, as for enrolment-code): the footer names the support console, not the
   * customer portal (securityShell). Omitted: a customer.
   */
  staff?: boolean;
};

/**
 * Security alert: a change to how this login signs in, made from a signed-in session (two-factor
 * authentication turned on or moved to a new phone, each in its own words; the portal password
 * changed; new recovery codes made). Each is what
 * someone who got into the login (a stolen password, a forwarded sign-in link) would do to keep it
 * and lock its owner out, so the owner is told at once, with when and from where, and what to do if
 * it was not them (OWASP ASVS 4.0 V2.2.3: notify after updates to authentication details). No
 * sign-in link: the button opens the profile page.
 * Or (since 2026-12-05) two-factor authentication reset by someone else at the owner's request: by
 * support on /staff/users (`mfa_reset_by_support`, the password replaced too) or by an operator with
 * the CLI (`mfa_reset_by_operator`, the password kept), which is what someone holding a leaked
 * password would talk support into (OWASP ASVS 4.0 V2.5.5). These say who (support or an operator,
 * never a staff member's name or address: `ip` is null), when, and "if you did not ask for this,
 * contact support now"; their "if it was you" line is their own, as the owner did not make the change.
 * A portal password set by an operator with the CLI (`password_set_by_operator`, since 2026-12-06;
 * before, it was mailed as `password_changed`, "if it was not you, someone else signed in to your
 * login") has its own lines too: who and when, that the old password no longer works and the sessions
 * and sign-in links ended, that the new one comes from the provider's support, and "if you did not
 * expect this, contact support now".
 * To staff (`d.staff`) the footer names the support console (securityShell), and a changed password's
 * preheader says the login is to the support console (`password_changed.preheaderStaff`), not the
 * customer portal.
 */
export function securityChange(d: SecurityChangeData, ctx: MailContext) {
  const { t } = ctx;
  const k = `mail.securityChange.${d.change}` as const;
  // A reset or a password set by someone else: "if that was you, nothing to do" would not fit.
  const ifYou =
    d.change === 'mfa_reset_by_support' ||
    d.change === 'mfa_reset_by_operator' ||
    d.change === 'password_set_by_operator'
      ? t(`mail.securityChange.${d.change}.ifYou`)
      : t('mail.securityChange.ifYou');
  return renderMail(
    {
      subject: t(`${k}.subject`, providerArgs(ctx)),
      preheader: t(
        d.staff && d.change === 'password_changed'
          ? 'mail.securityChange.password_changed.preheaderStaff'
          : `${k}.preheader`,
      ),
      parts: [
        hello(ctx, d),
        {
          kind: 'p',
          strong: true,
          text: t(`${k}.intro`, { at: when(d.at, ctx), ip: d.ip ?? '', known: d.ip ? 'yes' : 'no' }),
        },
        { kind: 'p', text: ifYou },
        { kind: 'button', label: t('mail.securityChange.button'), url: url(ctx, '/profile') },
        { kind: 'p', text: t(`${k}.notYou`, { support: ctx.support }) },
      ],
    },
    securityShell(ctx, d.staff ?? false),
  );
}
