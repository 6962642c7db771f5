import { useLocale, useTimeZone, useTranslations } from 'next-intl';
import { auditActionKey } from '@/lib/audit/names';
import { intlTag } from '@/lib/i18n/locales';
import type { AuditEntryView } from '@/lib/staff/audit-query';
import { formatWhen } from '@/lib/time/format';
import type { Translate } from '@/lib/i18n/note';
import { DataTable } from '@/components/ui/data-table';
import { actorName } from '@/components/ui/actor-name';
import { AuditDetailList, detailWords, type DetailWords } from '@/components/staff/audit-detail';

/**
 * One page of the audit log (50 rows). Each time is formatted in the viewer's zone by a formatter
 * made once per locale and zone (lib/time/format.ts), not by an async component per row; each detail
 * is worded from the translators made once here (components/staff/audit-detail.tsx).
 */
export function AuditTable({ entries }: { entries: AuditEntryView[] }) {
  const t = useTranslations('staff.audit');
  const who = useTranslations('actors');
  const locale = useLocale();
  const timeZone = useTimeZone() ?? 'UTC';
  const tag = intlTag(locale);
  const words = detailWords({
    staff: useTranslations('staff') as unknown as DetailWords['staff'],
    actors: who,
    all: useTranslations() as unknown as Translate,
    tag,
    timeZone,
  });
  if (entries.length === 0) return <p role="status">{t('none')}</p>;
  return (
    <DataTable
      caption={t('caption')}
      headers={(['time', 'action', 'actor', 'account', 'target', 'from', 'detail'] as const).map((h) =>
        t(`column.${h}`),
      )}
      minWidth="min-w-[48rem]"
    >
      {entries.map((e) => (
        <tr key={e.id} className="border-b border-slate-100 align-top">
          <td className="py-2 pr-3 whitespace-nowrap">
            <time dateTime={e.at.toISOString()}>{formatWhen(e.at, timeZone, { locale: tag })}</time>
          </td>
          <td className="py-2 pr-3">
            {/* The name in the reader's language, and the code that logs and docs use. A row of an
                action no longer in the list (older data) shows its code alone. */}
            {t.has(auditActionKey(e.action)) ? (
              <span className="block">{t(auditActionKey(e.action))}</span>
            ) : null}
            <span className="block font-mono text-xs text-slate-600">{e.action}</span>
          </td>
          <td className="py-2 pr-3">
            {e.actorEmail ?? (e.systemActor ? actorName(who, e.systemActor) : '—')}
          </td>
          <td className="py-2 pr-3 font-mono">
            {e.account ? (
              <a
                href={`/staff/accounts/${encodeURIComponent(e.account)}`}
                className="text-blue-800 underline"
              >
                {e.account}
              </a>
            ) : (
              '—'
            )}
          </td>
          <td className="py-2 pr-3 font-mono text-xs">
            {e.target && e.targetHref ? (
              <a href={e.targetHref} className="text-blue-800 underline">
                {e.target}
              </a>
            ) : (
              (e.target ?? '—')
            )}
          </td>
          <td className="py-2 pr-3">
            <span className="font-mono">{e.ip ?? '—'}</span>
            {e.userAgent ? (
              <span className="block max-w-48 truncate text-xs text-slate-600" title={e.userAgent}>
                {e.userAgent}
              </span>
            ) : null}
          </td>
          {/* Labelled words (lib/staff/audit-detail.ts escapes bidi controls in every text it reads). */}
          <td className="py-2">
            <AuditDetailList detail={e.detail} words={words} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
