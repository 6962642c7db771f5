import {
  accountLabel,
  accountMail,
  type ClosedAllowance,
  closedAllowanceText,
  type MailContext,
  url,
  when,
} from './context';

export type BlockLiftedData = {
  recipient: { name: string | null };
  account: { name: string; number: string };
  block: { id: string; liftedAt: Date | null };
  /**
   * What this lift closed without a decision, named so that its customers learn it from this one mail
   * (no second one): unblock requests of the lifted blocks, and allowance requests (every country can
   * be called again). Default: nothing.
   */
  closed?: { requests: { kind: 'misdial' | 'firewall'; createdAt: Date }[]; allowances: ClosedAllowance[] };
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
    ...(d.closed?.requests ?? []).map((r) => ({
      kind: 'p' as const,
      text: t('mail.blockLifted.closedRequest', { at: when(r.createdAt, ctx), kind: r.kind }),
    })),
    ...(d.closed?.allowances ?? []).map((a) => ({
      kind: 'p' as const,
      text: closedAllowanceText(ctx, 'blockLifted', a),
    })),
    { kind: 'p', text: t('mail.blockLifted.keepSafe') },
    {
      kind: 'button',
      label: t('mail.blockLifted.button'),
      url: url(ctx, `/accounts/${encodeURIComponent(d.account.number)}`),
    },
  ]);
}
