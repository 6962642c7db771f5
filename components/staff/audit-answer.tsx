import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { FocusOnArrival } from '@/components/ui/focus-on-arrival';
import type { AuditAnswer as Answer, AuditFilter } from '@/lib/staff/audit-query';
import { saidBack } from '@/lib/staff/said-back';

/**
 * The audit log's answer to what the reader asked (`f`, the filters of the URL; `page`, listAudit's
 * answer; `filtered`, whether any filter is set), in a status region right under the filters whose
 * first sentence takes the focus on arrival (break-29 saw a keyboard user sent to the top of the page
 * after each filter). When filters were not applied it says every reason at once (one sentence, or a
 * lead sentence and a short list), in the form's order: a filter that could not be read, said back as
 * typed; an account no account has; an actor that is a colleague whose rows for that action are an
 * admin's to read, or that no login has; an action in the link that was not applied, and why
 * (lib/staff/audit-query.ts unappliedAction: no such action, or not visible to the reader's role; the
 * form keeps it chosen as "Not applied", components/staff/audit-filters.tsx); days the wrong way round. So correcting one does
 * not reveal the next, and the action's note stays as long as the link names it (review of
 * 2026-12-08). Else how many entries, and, when the actor is a colleague, that only their work on
 * customer accounts is listed. The page keys it by the query, so each answer arrives anew. A value said
 * back is cut to 40 characters with an ellipsis (lib/staff/said-back.ts saidBack).
 */
export function AuditAnswer({
  page,
  f,
  filtered,
}: {
  page: Pick<
    Answer,
    | 'entries'
    | 'next'
    | 'unknown'
    | 'unmatched'
    | 'unreadable'
    | 'actionNotApplied'
    | 'actorNotApplied'
    | 'colleagueWorkOnly'
  >;
  f: AuditFilter;
  filtered: boolean;
}) {
  const t = useTranslations('staff.audit');
  // What was typed, without invisible characters, isolated from the sentence, cut with an ellipsis
  // (saidBack: never inside an emoji or an accented letter).
  const typed = (v: string | undefined) =>
    function Typed() {
      return <bdi>{saidBack(v ?? '')}</bdi>;
    };
  const unmatched = page.unmatched ?? (page.unknown ? [page.unknown] : []);
  const unreadable = (field: (typeof page.unreadable)[number]) =>
    page.unreadable.includes(field) ? [t.rich(`unreadable.${field}`, { typed: typed(f[field]) })] : [];
  // Every reason no entry is shown, in the order of the form's fields.
  const reasons: ReactNode[] = [
    ...unreadable('account'),
    ...(unmatched.includes('account') ? [t('noAccount')] : []),
    ...unreadable('actor'),
    ...(page.actorNotApplied ? [t.rich('actorNotApplied.colleague', { typed: typed(f.actor) })] : []),
    ...(unmatched.includes('actor') ? [t('noActor')] : []),
    ...unreadable('action'),
    ...(page.actionNotApplied
      ? [t.rich(`actionNotApplied.${page.actionNotApplied}`, { typed: typed(f.action) })]
      : []),
    ...unreadable('from'),
    ...unreadable('to'),
    ...(unmatched.includes('days') ? [t('noDays')] : []),
  ];
  const colleague = page.colleagueWorkOnly ? (
    <p>{t.rich('colleagueWorkOnly', { typed: typed(f.actor) })}</p>
  ) : null;
  return (
    <div role="status">
      {reasons.length > 1 ? (
        <>
          <FocusOnArrival look="answer">{t('notApplied', { count: reasons.length })}</FocusOnArrival>
          <ul className="list-disc pl-6">
            {reasons.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        </>
      ) : (
        <FocusOnArrival look="answer">
          {reasons.length === 1
            ? reasons[0]
            : page.entries.length === 0
              ? t('none')
              : t(filtered ? 'answer' : 'answerPage', {
                  count: page.entries.length,
                  more: page.next ? 'yes' : 'no',
                })}
        </FocusOnArrival>
      )}
      {colleague}
    </div>
  );
}
