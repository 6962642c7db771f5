import { Link } from '@/components/ui/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { intlTag } from '@/lib/i18n/locales';
import type { CurrentUser } from '@/lib/auth/session';
import { pendingAllowanceRequests } from '@/lib/allowances/queries';
import { countryName } from '@/lib/phone/format';
import { formatWhen } from '@/lib/time/format';
import { Section } from '@/components/ui/section';

/** The staff home's list of destination-allowance requests waiting for a callback (issue 16). */
export async function AllowanceQueue({ user }: { user: CurrentUser }) {
  const [items, t, locale] = await Promise.all([
    pendingAllowanceRequests(user),
    getTranslations('staff.allowances'),
    getLocale(),
  ]);
  return (
    <Section id="allowance-queue-title" title={t('queueTitle', { count: items.length })}>
      {items.length === 0 ? (
        <p>{t('queueNone')}</p>
      ) : (
        <ul className="flex flex-col gap-2">
          {items.map((a) => (
            <li key={a.id} className="rounded-md border border-slate-200 bg-white p-3">
              <Link
                href={`/staff/accounts/${encodeURIComponent(a.account.number)}#allowances-title`}
                className="font-medium text-blue-800 underline"
              >
                {t('queueLink', {
                  name: a.account.name,
                  number: a.account.number,
                  country: countryName(a.country, locale),
                  code: a.country,
                  hours: a.hours,
                })}
              </Link>
              <span className="text-sm text-slate-700">
                {' '}
                ·{' '}
                {t('queueAsked', { at: formatWhen(a.createdAt, user.timeZone, { locale: intlTag(locale) }) })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
