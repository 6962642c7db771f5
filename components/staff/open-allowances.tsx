import { useFormatter, useLocale, useTranslations } from 'next-intl';
import { allowanceCardHref } from '@/lib/allowances/href';
import { Link } from '@/components/ui/link';
import { displayEmail } from '@/lib/auth/email-address';
import type { StaffRequestView } from '@/lib/requests/detail';
import { countryName } from '@/lib/phone/format';
import { ZONED } from '@/lib/time/format';

/**
 * One of the account's open destination allowances in an unblock request page's "Other requests"
 * (lib/requests/detail.ts `openAllowances`): when it was asked, "Destination allowance: Mexico (MX),
 * 24 h" as a link to its card on the account page (`accountNumber`'s, where it is decided or ended),
 * its status in the account page's words, and for a waiting one who is calling about it, in the
 * queue's words. Times in the reader's zone with its offset, as <When> writes them.
 */
export function OpenAllowanceEntry({
  allowance: a,
  accountNumber,
}: {
  allowance: StaffRequestView['openAllowances'][number];
  accountNumber: string;
}) {
  const t = useTranslations('staff.history');
  const al = useTranslations('staff.allowances');
  const desk = useTranslations('staff.desk');
  const format = useFormatter();
  const locale = useLocale();
  const at = (d: Date) => <time dateTime={d.toISOString()}>{format.dateTime(d, ZONED)}</time>;
  const c = a.claim;
  return (
    <>
      <Link href={allowanceCardHref(accountNumber, a.id)} className="text-blue-800 underline">
        {at(a.createdAt)}:{' '}
        {t('allowance', {
          label: al('label', { country: countryName(a.country, locale), code: a.country, hours: a.hours }),
        })}
      </Link>{' '}
      · {al(`status.${a.status}`)}
      {c ? (
        <>
          {' · '}
          {desk.rich(c.mine ? 'takenByYou' : 'takenBy', {
            by: displayEmail(c.by),
            since: () => at(c.since),
            until: () => at(c.until),
          })}
        </>
      ) : null}
    </>
  );
}
