import { countryName } from '@/lib/phone/format';
import { accountFooter, accountLabel, type MailContext, mailTag, shell, url, when, hello } from './context';
import { renderMail } from './layout';

export type AllowanceMailData = {
  recipient: { name: string | null };
  account: { name: string; number: string };
  allowance: {
    country: string;
    until: Date | null;
    endedAt: Date | null;
    blockId: string | null;
    reason: string;
  };
  /** The agent's copy links to the staff console instead of the customer's pages. */
  staff: boolean;
};

/** A destination allowance started (the switch confirmed it) or ended (the switch no longer lists it). */
export function allowanceMail(phase: 'started' | 'ended', d: AllowanceMailData, ctx: MailContext) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  const country = `${countryName(d.allowance.country, mailTag(ctx))} (${d.allowance.country})`;
  const path = d.staff
    ? `/staff/accounts/${encodeURIComponent(d.account.number)}`
    : d.allowance.blockId
      ? `/blocks/${d.allowance.blockId}`
      : `/accounts/${encodeURIComponent(d.account.number)}`;
  const key = phase === 'started' ? 'allowance.mail.started' : 'allowance.mail.ended';
  return renderMail(
    {
      subject: t(`${key}.subject`, { country, account }),
      preheader: t(`${key}.preheader`, { country }),
      parts: [
        hello(ctx, d),
        phase === 'started'
          ? {
              kind: 'p',
              strong: true,
              text: t('allowance.mail.started.intro', {
                country,
                account,
                until: when(d.allowance.until ?? new Date(0), ctx),
              }),
            }
          : {
              kind: 'p',
              strong: true,
              text: t('allowance.mail.ended.intro', {
                country,
                account,
                at: when(d.allowance.endedAt ?? new Date(0), ctx),
              }),
            },
        { kind: 'quote', text: d.allowance.reason },
        { kind: 'p', text: t(`${key}.next`) },
        { kind: 'button', label: t('allowance.mail.button'), url: url(ctx, path) },
      ],
    },
    // The agent's copy says why an agent has it: they are no contact of the account.
    d.staff ? shell(ctx, t('mail.footerStaffAllowance', { account })) : accountFooter(ctx, account),
  );
}
