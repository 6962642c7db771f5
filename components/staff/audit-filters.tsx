import { useTranslations } from 'next-intl';
import { AUDIT_ACTIONS } from '@/lib/audit/names';
import type { AuditFilter } from '@/lib/staff/audit-query';

const input = 'rounded-md border border-slate-400 px-3 py-2';

/** A plain GET form: filters live in the URL, so a filtered view can be bookmarked and shared. */
export function AuditFilters({ f }: { f: AuditFilter }) {
  const t = useTranslations('staff.audit');
  return (
    <form
      role="search"
      aria-label={t('filters')}
      action="/staff/audit"
      method="get"
      className="flex flex-wrap items-end gap-3"
    >
      <div className="flex flex-col gap-1">
        <label htmlFor="account" className="font-medium">
          {t('account')}
        </label>
        <input
          id="account"
          name="account"
          defaultValue={f.account}
          placeholder="ACC-1001"
          className={`${input} w-36`}
        />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="actor" className="font-medium">
          {t('actor')}
        </label>
        <input id="actor" name="actor" type="email" defaultValue={f.actor} className={`${input} w-60`} />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="action" className="font-medium">
          {t('action')}
        </label>
        <select id="action" name="action" defaultValue={f.action ?? ''} className={input}>
          <option value="">{t('anyAction')}</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="from" className="font-medium">
          {t('from')}
        </label>
        <input id="from" name="from" type="date" defaultValue={f.from} className={input} />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="to" className="font-medium">
          {t('to')}
        </label>
        <input id="to" name="to" type="date" defaultValue={f.to} className={input} />
      </div>
      <button
        type="submit"
        className="rounded-md bg-blue-800 px-4 py-2 font-semibold text-white hover:bg-blue-900"
      >
        {t('filter')}
      </button>
    </form>
  );
}
