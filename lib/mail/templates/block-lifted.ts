import { accountFooter, accountLabel, type MailContext, url, when, hello } from './context';
import { renderMail } from './layout';

export type BlockLiftedData = {
  recipient: { name: string | null };
  account: { name: string; number: string };
  block: { id: string; liftedAt: Date | null };
};

export function blockLifted(d: BlockLiftedData, ctx: MailContext) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  return renderMail(
    {
      subject: t('mail.blockLifted.subject', { account }),
      preheader: t('mail.blockLifted.preheader'),
      parts: [
        hello(ctx, d),
        {
          kind: 'p',
          strong: true,
          text: t('mail.blockLifted.intro', { account, at: when(d.block.liftedAt ?? new Date(0), ctx) }),
        },
        { kind: 'p', text: t('mail.blockLifted.keepSafe') },
        {
          kind: 'button',
          label: t('mail.blockLifted.button'),
          url: url(ctx, `/accounts/${encodeURIComponent(d.account.number)}`),
        },
      ],
    },
    accountFooter(ctx, account),
  );
}
