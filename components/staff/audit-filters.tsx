import { useLocale, useTranslations } from 'next-intl';
import { AUDIT_ACTIONS, auditActionKey, type AuditAction } from '@/lib/audit/names';
import type { AuditFilter, AuditFilterField } from '@/lib/staff/audit-query';
import { saidBack } from '@/lib/staff/said-back';
import { Field } from '@/components/ui/field';
import { zoneName } from '@/lib/time/format';
import { FilterForm } from '@/components/staff/filter-form';
import { FilterSelect } from '@/components/staff/filter-select';

/**
 * A plain GET form (FilterForm: a field left blank is not sent): filters live in the URL, so a
 * filtered view can be bookmarked and shared.
 *
 * Every filter of the URL is in the form as the URL had it, applied or not, so that correcting one
 * field and submitting never drops another in silence (a tester, 2026-12-08: a link's action that was
 * not applied, the select showing "Any action", was gone after the day was corrected, and the next
 * page read as if the search still filtered by it). An action the select does not offer (a code no
 * action has, one not visible to the reader's role, one that cannot be read: the page's answer says
 * which) is its first choice after "Any action", chosen, worded "Not applied: “…”", with a hint
 * saying how to clear it (choose another action or "Any action"); a day that cannot be read is a
 * text field holding it (a date field would show it empty and send nothing). Each field whose filter
 * could not be read (`f.unreadable`) is marked invalid (aria-invalid, its note tied by
 * aria-describedby). After each search the page's answer (AuditAnswer, a status region that takes the
 * focus) says again what was not applied.
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
  const unreadable = (field: AuditFilterField) => f.unreadable?.includes(field) ?? false;
  const notRead = (field: AuditFilterField) => (unreadable(field) ? [t('form.notRead')] : undefined);
  // An action in the URL that the list cannot offer: kept as a choice of its own, so it is sent again.
  const kept = f.action && !(actions as readonly string[]).includes(f.action) ? f.action : undefined;
  const day = (field: 'from' | 'to') =>
    unreadable(field) ? (
      // Not type="date": a browser empties a date field given a value that is not a date.
      <Field
        name={field}
        label={t(field, { zone })}
        defaultValue={f[field]}
        autoComplete="off"
        spellCheck={false}
        errors={[t('form.notADay')]}
        className="w-40"
      />
    ) : (
      <Field name={field} label={t(field, { zone })} type="date" defaultValue={f[field]} />
    );
  return (
    <FilterForm label={t('filters')} action="/staff/audit" submit={t('filter')}>
      <Field
        name="account"
        label={t('account')}
        defaultValue={f.account}
        placeholder="ACC-1001"
        errors={notRead('account')}
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
        errors={notRead('actor')}
        className="w-60"
      />
      {kept ? (
        <Field
          as="select"
          name="action"
          label={t('action')}
          defaultValue={kept}
          hint={t('form.actionKeptHint')}
          errors={notRead('action')}
        >
          <option value="">{t('anyAction')}</option>
          <option value={kept}>{t('form.actionKept', { typed: saidBack(kept) })}</option>
          {actions.map((a) => (
            <option key={a} value={a}>{`${t(auditActionKey(a))} (${a})`}</option>
          ))}
        </Field>
      ) : (
        <FilterSelect
          name="action"
          label={t('action')}
          value={f.action}
          options={[
            ['', t('anyAction')],
            ...actions.map((a) => [a, `${t(auditActionKey(a))} (${a})`] as const),
          ]}
        />
      )}
      {/* Days on the agent's clock, in which the table shows each entry's time. */}
      {day('from')}
      {day('to')}
    </FilterForm>
  );
}
