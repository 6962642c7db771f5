import { useTranslations } from 'next-intl';
import type { AuditEntryView } from '@/lib/staff/audit-query';
import { DataTable } from '@/components/ui/data-table';
import { When } from '@/components/ui/when';

export function AuditTable({ entries }: { entries: AuditEntryView[] }) {
  const t = useTranslations('staff.audit');
  if (entries.length === 0) return <p role="status">{t('none')}</p>;
  return (
    <DataTable
      caption={t('caption')}
      headers={(['time', 'action', 'actor', 'account', 'target', 'from', 'detail'] as const).map((h) =>
        t(`column.${h}`),
      )}
      minWidth="min-w-[48rem]"
      region={t('entries')}
    >
      {entries.map((e) => (
        <tr key={e.id} className="border-b border-slate-100 align-top">
          <td className="py-2 pr-3 whitespace-nowrap">
            <When at={e.at} />
          </td>
          <td className="py-2 pr-3 font-mono">{e.action}</td>
          <td className="py-2 pr-3">{e.actorEmail ?? '—'}</td>
          <td className="py-2 pr-3 font-mono">{e.account ?? '—'}</td>
          <td className="py-2 pr-3 font-mono text-xs">{e.target ?? '—'}</td>
          <td className="py-2 pr-3">
            <span className="font-mono">{e.ip ?? '—'}</span>
            {e.userAgent ? (
              <span className="block max-w-48 truncate text-xs text-slate-600" title={e.userAgent}>
                {e.userAgent}
              </span>
            ) : null}
          </td>
          <td className="py-2 font-mono text-xs break-all">{e.detail ?? ''}</td>
        </tr>
      ))}
    </DataTable>
  );
}
