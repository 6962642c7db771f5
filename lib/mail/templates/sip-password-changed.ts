import { displayEmail } from '@/lib/auth/email-address';
import { namesAnActor } from '@/lib/i18n/actor';
import { accountFooter, accountLabel, credentialLabel, type MailContext, url, when, hello } from './context';
import { renderMail } from './layout';

export type SipPasswordChangedData = {
  recipient: { name: string | null };
  account: { name: string; number: string };
  credential: { username: string; label: string };
  changedAt: Date;
  ip: string | null;
  /** The address of who changed it, as stored (ASCII domain); null when not known. */
  by: string | null;
  /**
   * The switch's answer to the change is not known (a timeout, a 5xx, a restart mid-call): the new
   * password may or may not be in force, and if it is, the switch ended the credential's
   * registrations (CONTRACTS §3). `changedAt` is then when the change was sent. Default false.
   */
  unconfirmed?: boolean;
  /**
   * With `unconfirmed`: the switch answered, with an error, rather than not at all (a 500, a 503 that
   * asked to wait: lib/credentials/change-state.ts unknownCause), and the alert says so instead of
   * "our switch's answer never reached us". Default false.
   */
  errorAnswer?: boolean;
};

/**
 * Security alert: which credential, when, by whom (their address as people write it, displayEmail:
 * a Unicode domain is not shown as `xn--…`; "unknown" in the reader's language when not known) and
 * from where, and what to do if it was not you. `unconfirmed`: the same alert for a change that may
 * or may not be in force, which asks whoever made it to set the password again (and says whether
 * the switch gave no answer or answered with an error: `errorAnswer`).
 */
export function sipPasswordChanged(d: SipPasswordChangedData, ctx: MailContext) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  const credential = credentialLabel(ctx, d.credential.username, d.credential.label);
  const maybe = d.unconfirmed === true;
  return renderMail(
    {
      subject: maybe
        ? t('mail.sipPasswordChanged.subjectUnconfirmed', { credential })
        : t('mail.sipPasswordChanged.subject', { credential }),
      preheader: maybe
        ? t('mail.sipPasswordChanged.preheaderUnconfirmed')
        : t('mail.sipPasswordChanged.preheader'),
      parts: [
        hello(ctx, d),
        {
          kind: 'p',
          strong: true,
          text: maybe
            ? t(
                d.errorAnswer === true
                  ? 'mail.sipPasswordChanged.introUnconfirmedError'
                  : 'mail.sipPasswordChanged.introUnconfirmed',
                { credential, account },
              )
            : t('mail.sipPasswordChanged.intro', { credential, account }),
        },
        {
          kind: 'cards',
          items: [
            {
              title: credential,
              lines: [
                t('mail.sipPasswordChanged.when', { at: when(d.changedAt, ctx) }),
                t('mail.sipPasswordChanged.by', {
                  by: namesAnActor(d.by) ? displayEmail(d.by) : t('mail.unknownUser'),
                }),
                t('mail.sipPasswordChanged.ip', { ip: d.ip ?? t('mail.unknownIp') }),
              ],
            },
          ],
        },
        {
          kind: 'p',
          text: maybe ? t('mail.sipPasswordChanged.wasYouUnconfirmed') : t('mail.sipPasswordChanged.wasYou'),
        },
        { kind: 'h', text: t('mail.sipPasswordChanged.notYouTitle') },
        {
          kind: 'steps',
          items: [
            t('mail.sipPasswordChanged.notYou1'),
            t('mail.sipPasswordChanged.notYou2'),
            t('mail.sipPasswordChanged.notYou3', { support: ctx.support }),
          ],
        },
        {
          kind: 'button',
          label: t('mail.sipPasswordChanged.button'),
          url: url(ctx, `/accounts/${encodeURIComponent(d.account.number)}`),
        },
      ],
    },
    accountFooter(ctx, account),
  );
}
