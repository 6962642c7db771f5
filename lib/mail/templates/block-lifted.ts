import { accountLabel, accountMail, type MailContext, url, when } from './context';

export type BlockLiftedData = {
  recipient: { name: string | null };
  account: { name: string; number: string };
  block: { id: string; liftedAt: Date | null };
};

export function blockLifted(d: BlockLiftedData, ctx: MailContext) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  return accountMail(ctx, 'blockLifted', d, account, [
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
  ]);
}
