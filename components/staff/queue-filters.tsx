import { useTranslations } from 'next-intl';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { QUEUE_KINDS, QUEUE_REASONS, QUEUE_TAKEN, type QueueFilter } from '@/lib/requests/queue-filter';

/**
 * The queue's filters (lib/requests/queue-filter.ts): kind, block reason and taken or not, each a
 * labelled list, sent with "Show" as a plain GET form, so the filtered view is a link an agent can
 * bookmark and share, reached and changed with the keyboard alone, and it works without JavaScript.
 * `account`: the account whose queue this is, kept as the form is sent; `allowances`: whether the
 * kinds include destination-allowance requests (the whole queue's view lists them, an account's not).
 */
export function QueueFilters({
  filter,
  account,
  allowances = true,
}: {
  filter: QueueFilter;
  account?: string;
  allowances?: boolean;
}) {
  const t = useTranslations('staff.desk');
  const l = useTranslations('staff.labels');
  return (
    <form
      role="search"
      aria-label={t('filters')}
      action="/staff"
      method="get"
      className="flex flex-wrap items-end gap-3"
    >
      {account ? <input type="hidden" name="account" value={account} /> : null}
      <Field as="select" name="kind" id="queue-kind" label={t('kind')} defaultValue={filter.kind ?? ''}>
        <option value="">{t('anyKind')}</option>
        {QUEUE_KINDS.filter((k) => allowances || k !== 'allowance').map((k) => (
          <option key={k} value={k}>
            {k === 'allowance' ? t('allowance') : l(`kind.${k}`)}
          </option>
        ))}
      </Field>
      <Field
        as="select"
        name="reason"
        id="queue-reason"
        label={t('reason')}
        defaultValue={filter.reason ?? ''}
      >
        <option value="">{t('anyReason')}</option>
        {QUEUE_REASONS.map((r) => (
          <option key={r} value={r}>
            {l(`reason.${r}`)}
          </option>
        ))}
      </Field>
      <Field as="select" name="taken" id="queue-taken" label={t('taken')} defaultValue={filter.taken ?? ''}>
        <option value="">{t('takenAny')}</option>
        {QUEUE_TAKEN.map((v) => (
          <option key={v} value={v}>
            {t(v === 'no' ? 'takenNo' : v === 'mine' ? 'takenMine' : 'takenYes')}
          </option>
        ))}
      </Field>
      <SubmitButton>{t('show')}</SubmitButton>
    </form>
  );
}
