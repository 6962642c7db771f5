import { useLocale, useTranslations } from 'next-intl';
import { AUDIT_ACTIONS, auditActionKey, type AuditAction } from '@/lib/audit/names';
import type { AuditFilter } from '@/lib/staff/audit-query';
import { Field } from '@/components/ui/field';
import { zoneName } from '@/lib/time/format';
import { FilterForm } from '@/components/staff/filter-form';
import { FilterSelect } from '@/components/staff/filter-select';

/**
 * A plain GET form (FilterForm: a field left blank is not sent): filters live in the URL, so a
 * filtered view can be bookmarked and shared.
 */
export function AuditFilters({
  f,
  timeZone,
  actions = AUDIT_ACTIONS,
}: {
  f: AuditFilter;
  timeZone: string;
  /**
   * The actions offered: those the reader may read (lib/staff/audit-query.ts auditActionsFor: an
   * agent is not offered staff management). The page always passes them; all of them otherwise.
   */
  actions?: readonly AuditAction[];
}) {
  const t = useTranslations('staff.audit');
  const zone = zoneName(timeZone, useLocale());
  return (
    <FilterForm label={t('filters')} action="/staff/audit" submit={t('filter')}>
      <Field
        name="account"
        label={t('account')}
        defaultValue={f.account}
        placeholder="ACC-1001"
        className="w-36"
      />
      {/* Text, not type="email": the switch and operator-cli are actors too, and an address as shown
          (a Unicode domain) must not be refused by the browser before the server reads it. */}
      <Field
        name="actor"
        label={t('actor')}
        hint={t('actorHint')}
        inputMode="email"
        autoComplete="off"
        spellCheck={false}
        defaultValue={f.actor}
        className="w-60"
      />
      <FilterSelect
        name="action"
        label={t('action')}
        value={f.action}
        options={[
          ['', t('anyAction')],
          ...actions.map((a) => [a, `${t(auditActionKey(a))} (${a})`] as const),
        ]}
      />
      {/* Days on the agent's clock, in which the table shows each entry's time. */}
      <Field name="from" label={t('from', { zone })} type="date" defaultValue={f.from} />
      <Field name="to" label={t('to', { zone })} type="date" defaultValue={f.to} />
    </FilterForm>
  );
}
