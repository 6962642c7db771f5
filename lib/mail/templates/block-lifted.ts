import {
  accountLabel,
  accountMail,
  type Asker,
  askerArgs,
  type ClosedAllowance,
  closedAllowanceText,
  type MailContext,
  sipAddressArgs,
  url,
  when,
} from './context';

export type BlockLiftedData = {
  recipient: { name: string | null };
  account: { name: string; number: string };
  block: { id: string; liftedAt: Date | null };
  /**
   * What this lift closed without a decision, named so that its customers learn it from this one mail
   * (no second one): unblock requests of the lifted blocks (`kind`, when sent, and who sent it as the
   * reader is told: every member gets this mail, and only the one who asked reads "your request"),
   * and allowance requests (every country can be called again). Default: nothing.
   */
  closed?: {
    requests: { kind: 'misdial' | 'firewall'; createdAt: Date; asker: Asker }[];
    allowances: ClosedAllowance[];
  };
};

/**
 * "International calling is back" (block_lifted, to every member): when the switch lifted it, each
 * request the lift closed without a decision (whose, which, when), and how to keep it that way.
 */
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
      text: t('mail.blockLifted.closedRequest', {
        at: when(r.createdAt, ctx),
        kind: r.kind,
        ...askerArgs(r.asker),
      }),
    })),
    ...(d.closed?.allowances ?? []).map((a) => ({
      kind: 'p' as const,
      text: closedAllowanceText(ctx, 'blockLifted', a),
    })),
    { kind: 'p', text: t('mail.blockLifted.keepSafe', sipAddressArgs(ctx)) },
    {
      kind: 'button',
      label: t('mail.blockLifted.button'),
      url: url(ctx, `/accounts/${encodeURIComponent(d.account.number)}`),
    },
  ]);
}
