import { useTranslations } from 'next-intl';
import { FilterForm } from '@/components/staff/filter-form';
import { FilterSelect } from '@/components/staff/filter-select';
import { QUEUE_KINDS, QUEUE_REASONS, QUEUE_TAKEN, type QueueFilter } from '@/lib/requests/queue-filter';

/**
 * The queue's filters (lib/requests/queue-filter.ts): kind, block reason and taken or not, each a
 * labelled list, sent with "Show" as a plain GET form (FilterForm: a list left at "Any" is not sent),
 * so the filtered view is a link an agent can bookmark and share, reached and changed with the
 * keyboard alone, and it works without JavaScript.
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
    <FilterForm label={t('filters')} action="/staff" submit={t('show')}>
      {account ? <input type="hidden" name="account" value={account} /> : null}
      <FilterSelect
        name="kind"
        id="queue-kind"
        label={t('kind')}
        value={filter.kind}
        options={[
          ['', t('anyKind')],
          ...QUEUE_KINDS.filter((k) => allowances || k !== 'allowance').map(
            (k) => [k, k === 'allowance' ? t('allowance') : l(`kind.${k}`)] as const,
          ),
        ]}
      />
      <FilterSelect
        name="reason"
        id="queue-reason"
        label={t('reason')}
        value={filter.reason}
        options={[['', t('anyReason')], ...QUEUE_REASONS.map((r) => [r, l(`reason.${r}`)] as const)]}
      />
      <FilterSelect
        name="taken"
        id="queue-taken"
        label={t('taken')}
        value={filter.taken}
        options={[
          ['', t('takenAny')],
          ...QUEUE_TAKEN.map(
            (v) => [v, t(v === 'no' ? 'takenNo' : v === 'mine' ? 'takenMine' : 'takenYes')] as const,
          ),
        ]}
      />
    </FilterForm>
  );
}
