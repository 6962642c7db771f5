import { useFormatter, useTranslations } from 'next-intl';
import type { Translate } from '@/lib/i18n/note';
import type { CameBack } from '@/lib/requests/came-back';
import { switchErrorText } from '@/lib/switch/error-text';
import { ZONED } from '@/lib/time/format';

/**
 * What a waiting request says when it came back after an approval whose lift did not happen
 * (lib/requests/came-back.ts): "Back in the queue after an approval. Approved by rita@… on …; the
 * switch refused the lift (<the switch's error in the reader's words>)." (or "… answered but did not
 * lift the block", "… the lift was withdrawn before the switch applied it"), then what to do: check
 * with the switch before approving again (for a lift Tollgate withdrew, read the timeline). On the
 * request page's head and on its queue item, so that the next agent does not call the customer as if
 * nobody had, and approve into the same refusal. `id`: the element's id, for a page that points to
 * it. Server components only (the whole catalogue, for the switch's error).
 */
export function RequestCameBack({ back, id }: { back: CameBack; id?: string }) {
  const t = useTranslations('staff.cameBack');
  const all = useTranslations() as unknown as Translate;
  const format = useFormatter();
  const approvedAt = back.approvedAt;
  return (
    <div
      id={id}
      className="flex flex-col gap-1 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950"
    >
      <p>
        <strong className="font-semibold">{t('title')}</strong>{' '}
        {t.rich(back.how, {
          by: back.approvedBy ?? 'none',
          error: switchErrorText(all, back.error, 'staff', { named: true }),
          when: () =>
            approvedAt ? (
              <time dateTime={approvedAt.toISOString()}>{format.dateTime(approvedAt, ZONED)}</time>
            ) : null,
        })}
      </p>
      <p>{t(back.how === 'cancelled' ? 'readTimeline' : 'checkSwitch')}</p>
    </div>
  );
}
