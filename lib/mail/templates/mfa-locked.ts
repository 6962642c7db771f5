import { type MailContext, providerArgs, shell, when, hello } from './context';
import { renderMail } from './layout';

export type MfaLockedData = {
  recipient: { name: string | null; email: string };
  failures: number;
  lockedAt: Date;
  link: { url: string; expires: Date };
};

/**
 * Security alert: the second factor was locked after too many wrong codes; the link unlocks it and
 * signs in (lib/auth/mfa/lockout.ts), so the mail says beside it not to forward or quote it
 * (mail.linkNoForward).
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
    shell(ctx, t('mail.footerSecurity', providerArgs(ctx))),
  );
}
