import { useLocale, useTranslations } from 'next-intl';
import { AUDIT_ACTIONS, auditActionKey } from '@/lib/audit/names';
import type { AuditFilter } from '@/lib/staff/audit-query';
import { Field } from '@/components/ui/field';
import { zoneName } from '@/lib/time/format';
import { SubmitButton } from '@/components/ui/submit-button';

/** A plain GET form: filters live in the URL, so a filtered view can be bookmarked and shared. */
export function AuditFilters({ f, timeZone }: { f: AuditFilter; timeZone: string }) {
  const t = useTranslations('staff.audit');
  const zone = zoneName(timeZone, useLocale());
  return (
    <form
      role="search"
      aria-label={t('filters')}
      action="/staff/audit"
      method="get"
      className="flex flex-wrap items-end gap-3"
    >
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
      <Field as="select" name="action" label={t('action')} defaultValue={f.action ?? ''}>
        <option value="">{t('anyAction')}</option>
        {AUDIT_ACTIONS.map((a) => (
          <option key={a} value={a}>
            {t(auditActionKey(a))} ({a})
          </option>
        ))}
      </Field>
      {/* Days on the agent's clock, in which the table shows each entry's time. */}
      <Field name="from" label={t('from', { zone })} type="date" defaultValue={f.from} />
      <Field name="to" label={t('to', { zone })} type="date" defaultValue={f.to} />
      <SubmitButton>{t('filter')}</SubmitButton>
    </form>
  );
}
