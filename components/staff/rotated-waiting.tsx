import { getLocale, getTranslations } from 'next-intl/server';
import { PAGE_LINK } from '@/components/ui/button-class';
import { Link } from '@/components/ui/link';
import { Section } from '@/components/ui/section';
import type { CurrentUser } from '@/lib/auth/session';
import { intlTag } from '@/lib/i18n/locales';
import { rotatedWaitingForPerson } from '@/lib/policy/rotated-waiting';
import { readCursor, timeIdKey } from '@/lib/staff/cursor';
import { formatWhen } from '@/lib/time/format';
import { shownPlacedAt } from '@/lib/blocks/shown-placed-at';

/**
 * The staff home's list of blocks whose every SIP password was changed and that the lift policy keeps
 * for a person (lib/policy/rotated-waiting.ts), oldest placed first, a page at a time: `after` is the
 * cursor of this list's page from the address (`?rotatedAfter=`; none = the oldest; a damaged one says
 * so and shows the oldest), `pageHref(cursor)` the link to another of its pages (null = the oldest),
 * which keeps the other lists' pages. Each entry links to the block on its account page, where the
 * agent lifts it (the lift form). With none waiting, nothing is shown.
 */
export async function RotatedWaiting({
  user,
  after: raw,
  pageHref,
}: {
  user: CurrentUser;
  after: string | undefined;
  pageHref: (cursor: string | null) => string;
}) {
  const cursor = readCursor(timeIdKey, raw);
  const after = cursor.key;
  const [page, t, staff, reason, account, locale] = await Promise.all([
    rotatedWaitingForPerson(user, after),
    getTranslations('staff.policy.waiting'),
    getTranslations('staff'),
    getTranslations('staff.labels.reason'),
    getTranslations('account'),
    getLocale(),
  ]);
  if (page.items.length === 0 && !after) return cursor.ok ? null : <p role="status">{staff('badCursor')}</p>;
  const when = (d: Date) => formatWhen(d, user.timeZone, { locale: intlTag(locale) });
  return (
    <Section id="rotated-title" title={t('title', { count: page.total, capped: page.capped ? 'yes' : 'no' })}>
      {cursor.ok ? null : <p role="status">{staff('badCursor')}</p>}
      <p>
        {t('intro')}
        {page.total > page.items.length && !after
          ? ` ${t('showingOldest', { count: page.items.length })}`
          : ''}
      </p>
      <ul className="flex flex-col gap-2">
        {page.items.map((b) => (
          <li key={b.id} className="rounded-md border border-amber-300 bg-amber-50 p-3">
            <Link
              href={`/staff/accounts/${encodeURIComponent(b.account.number)}#block-${b.id}`}
              className="font-medium text-blue-800 underline"
            >
              {account('title', { name: b.account.name, number: b.account.number })}
            </Link>
            <span className="text-sm text-slate-700">
              {' · '}
              {reason(b.reason)}
              {' · '}
              {t('placed', { at: when(shownPlacedAt(b)) })}
              {b.rotatedAt ? ` · ${t('rotated', { at: when(b.rotatedAt) })}` : ''}
            </span>
            {b.needsPersonNow ? null : <p className="text-sm text-slate-700">{t('earlier')}</p>}
          </li>
        ))}
      </ul>
      {page.next || after ? (
        <nav aria-label={t('pages')} className="flex gap-4">
          {after ? (
            <Link href={pageHref(null)} className={PAGE_LINK}>
              {t('oldest')}
            </Link>
          ) : null}
          {page.next ? (
            <Link href={pageHref(page.next)} className={PAGE_LINK}>
              {t('later')}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </Section>
  );
}
