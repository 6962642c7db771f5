import { Fragment } from 'react';
import { useTranslations } from 'next-intl';
import { FocusOnArrival } from '@/components/ui/focus-on-arrival';
import type { AuditAnswer as Answer, AuditFilter } from '@/lib/staff/audit-query';
import { typedText } from '@/lib/server/control-characters';

/**
 * The first sentence of the audit log's answer to what the reader asked (`f`, the filters of the URL;
 * `page`, listAudit's answer; `filtered`, whether any filter is set), in a status region right under
 * the filters that takes the focus on arrival (break-29 saw a keyboard user sent to the top of the
 * page after each filter): each filter that could not be read, said back as typed; an action in the
 * link that was not applied, and why (lib/staff/audit-query.ts unappliedAction: no such action, or
 * not visible to the reader's role; the select, which cannot offer it, shows "Any action"); a filter
 * that matched nothing; else how many entries. The page keys it by the query, so each answer arrives
 * anew.
 */
export function AuditAnswer({
  page,
  f,
  filtered,
}: {
  page: Pick<Answer, 'entries' | 'next' | 'unknown' | 'unreadable' | 'actionNotApplied'>;
  f: AuditFilter;
  filtered: boolean;
}) {
  const t = useTranslations('staff.audit');
  // What was typed, without invisible characters, isolated from the sentence.
  const typed = (v: string | undefined) =>
    function Typed() {
      return <bdi>{typedText(v ?? '', 40)}</bdi>;
    };
  return (
    <div role="status">
      <FocusOnArrival look="answer">
        {page.unreadable.length > 0
          ? // No entries, not the log unfiltered.
            page.unreadable.map((field, i) => (
              <Fragment key={field}>
                {i > 0 ? ' ' : null}
                {t.rich(`unreadable.${field}`, { typed: typed(f[field]) })}
              </Fragment>
            ))
          : page.actionNotApplied
            ? t.rich(`actionNotApplied.${page.actionNotApplied}`, { typed: typed(f.action) })
            : page.unknown
              ? page.unknown === 'account'
                ? t('noAccount')
                : page.unknown === 'days'
                  ? t('noDays')
                  : t('noActor')
              : page.entries.length === 0
                ? t('none')
                : t(filtered ? 'answer' : 'answerPage', {
                    count: page.entries.length,
                    more: page.next ? 'yes' : 'no',
                  })}
      </FocusOnArrival>
    </div>
  );
}
