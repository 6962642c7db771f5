import { useTranslations } from 'next-intl';
import { DataTable } from '@/components/ui/data-table';
import { When } from '@/components/ui/when';
import type { RecentSignIn } from '@/lib/profile/recent-sign-ins';
import { revealInvisible } from '@/lib/server/control-characters';

/**
 * The profile's "Recent sign-ins" (lib/profile/recent-sign-ins.ts recentSignIns): a heading (h3,
 * under the page's sessions section), a table of when (the reader's zone and language: When), what
 * happened, the address and the browser and system, newest first, or a sentence when there is none.
 * The address is shown with its invisible characters written out (revealInvisible): it came with a
 * request, and a failed attempt's request is anyone's. Synchronous, with hooks: renders in a test as in
 * the page. The caller puts "Sign out everywhere" beside it.
 */
export function RecentSignIns({ rows, days }: { rows: RecentSignIn[]; days: number }) {
  const t = useTranslations('profile.recentSignIns');
  return (
    <>
      <h3 id="recent-sign-ins-title" className="font-semibold">
        {t('title')}
      </h3>
      <p>{t('intro', { days })}</p>
      {rows.length === 0 ? (
        <p>{t('none', { days })}</p>
      ) : (
        <DataTable
          caption={t('caption', { days })}
          headers={[t('when'), t('what'), t('address'), t('browser')]}
          stack
        >
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <When at={r.at} />
              </td>
              <td
                className={
                  r.kind === 'signedIn' || r.kind === 'accepted' ? undefined : 'font-semibold text-red-800'
                }
              >
                {t(`kind.${r.kind}`)}
              </td>
              <td className="break-all">{r.ip ? revealInvisible(r.ip) : t('unknown')}</td>
              <td>
                {r.browser && r.system
                  ? t('browserOn', { browser: r.browser, system: r.system })
                  : (r.browser ?? r.system ?? t('unknown'))}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <p>{t('notYou')}</p>
    </>
  );
}
