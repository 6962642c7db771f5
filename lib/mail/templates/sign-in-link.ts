import { displayEmail } from '@/lib/auth/email-address';
import { type MailContext, providerArgs, shell, when } from './context';
import { renderMail } from './layout';

export type SignInLinkData = { email: string; url: string; expires: Date };

/**
 * "Email me a sign-in link" (Auth.js email sign-in; the link was made by Auth.js and queued here).
 * Beside the link: when it expires, that whoever opens it is signed in (so neither forward the mail
 * nor quote it in a reply, mail.linkNoForward), and to ignore it if they did not ask; never that
 * nobody but the reader can use it.
 */
export function signInLink(d: SignInLinkData, ctx: MailContext) {
  const { t } = ctx;
  return renderMail(
    {
      subject: t('mail.signInLink.subject', providerArgs(ctx)),
      preheader: t('mail.signInLink.preheader'),
      parts: [
        {
          kind: 'p',
          text: t('mail.signInLink.intro', { ...providerArgs(ctx), email: displayEmail(d.email) }),
        },
        { kind: 'button', label: t('mail.signInLink.button'), url: d.url },
        { kind: 'small', text: t('mail.signInLink.expires', { expires: when(d.expires, ctx) }) },
        { kind: 'small', text: t('mail.linkNoForward') },
        { kind: 'small', text: t('mail.signInLink.notYou') },
      ],
    },
    shell(ctx, t('mail.footerLogin', providerArgs(ctx))),
  );
}
