import { useLocale, useTimeZone, useTranslations } from 'next-intl';
import { auditActionKey } from '@/lib/audit/names';
import { intlTag } from '@/lib/i18n/locales';
import type { AuditEntryView } from '@/lib/staff/audit-query';
import { formatWhen } from '@/lib/time/format';
import type { Translate } from '@/lib/i18n/note';
import { DataTable } from '@/components/ui/data-table';
import { actorName } from '@/components/ui/actor-name';
import { displayEmail } from '@/lib/auth/email-address';
import { AuditDetailList, detailWords, type DetailWords } from '@/components/staff/audit-detail';

/**
 * The look of the rows' repeated parts, set once on the table's body (see DataTable): the action's
 * code under its name, the links, and each detail's list of labels and values
 * (components/staff/audit-detail.tsx, whose `<dl>` carries no classes of its own).
 */
const BODY = [
  'align-top',
  '[&>tr>td>code]:block [&>tr>td>code]:text-xs [&>tr>td>code]:text-slate-600',
  '[&_a]:text-blue-800 [&_a]:underline',
  '[&_dl]:grid [&_dl]:grid-cols-[auto_1fr] [&_dl]:gap-x-2 [&_dl]:text-xs [&_dl]:break-words',
  '[&_dt]:font-semibold [&_dt]:text-slate-700',
].join(' ');

/**
 * The rows of a sign-in link refused or not bound to the browser (lib/auth/link-sign-in.ts): about a
 * link, whose owner the row names in its detail (`email`, "Link for") when it has it; the browser that
 * used it is nobody's login, so the row has no actor.
 */
const LINK_ROWS: ReadonlySet<string> = new Set(['sign_in.link_refused', 'sign_in.link_unbound']);

/** Whether `e` is a link row (LINK_ROWS) that names no one: no actor and no "Link for" in its detail. */
const linkOfNobody = (e: AuditEntryView) =>
  LINK_ROWS.has(e.action) &&
  !e.actorEmail &&
  !(e.detail?.kind === 'fields' && e.detail.fields.some((field) => field.label === 'linkFor'));

/**
 * One page of the audit log (50 rows). Each time is formatted in the viewer's zone by a formatter
 * made once per locale and zone (lib/time/format.ts), not by an async component per row; each detail
 * is worded from the translators made once here (components/staff/audit-detail.tsx).
 */
export function AuditTable({ entries }: { entries: AuditEntryView[] }) {
  const t = useTranslations('staff.audit');
  const who = useTranslations('actors');
  const locale = useLocale();
  const timeZone = useTimeZone() ?? 'UTC';
  const tag = intlTag(locale);
  const words = detailWords({
    staff: useTranslations('staff') as unknown as DetailWords['staff'],
    actors: who,
    all: useTranslations() as unknown as Translate,
    tag,
    timeZone,
  });
  if (entries.length === 0) return <p role="status">{t('none')}</p>;
  return (
    <DataTable
      caption={t('caption')}
      headers={(['time', 'action', 'actor', 'account', 'target', 'from', 'detail'] as const).map((h) =>
        t(`column.${h}`),
      )}
      minWidth="min-w-[48rem]"
      bodyClassName={BODY}
    >
      {entries.map((e) => (
        <tr key={e.id}>
          <td className="whitespace-nowrap">
            <time dateTime={e.at.toISOString()}>{formatWhen(e.at, timeZone, { locale: tag })}</time>
          </td>
          <td>
            {/* The name in the reader's language, and the code that logs and docs use. A row of an
                action no longer in the list (older data) shows its code alone. */}
            {e.signIn === 'pending' ? (
              // A password accepted, its two-factor code still due: not a sign-in (lib/staff/audit-detail.ts signInStage).
              <span className="block">{t('signInPending')}</span>
            ) : e.signIn === 'unrecorded' ? (
              // Written before rows said whether a code was still due: accepted, not known to be complete.
              <span className="block">{t('signInUnrecorded')}</span>
            ) : t.has(auditActionKey(e.action)) ? (
              <span className="block">{t(auditActionKey(e.action))}</span>
            ) : null}
            <code>{e.action}</code>
          </td>
          <td>
            {e.actorEmail ? displayEmail(e.actorEmail) : e.systemActor ? actorName(who, e.systemActor) : '—'}
          </td>
          <td className="font-mono">
            {e.account ? <a href={`/staff/accounts/${encodeURIComponent(e.account)}`}>{e.account}</a> : '—'}
          </td>
          <td className="font-mono text-xs">
            {e.target && e.targetHref ? <a href={e.targetHref}>{e.target}</a> : (e.target ?? '—')}
          </td>
          <td>
            <span className="font-mono">{e.ip ?? '—'}</span>
            {e.userAgent ? (
              <span className="block max-w-48 truncate text-xs text-slate-600" title={e.userAgent}>
                {e.userAgent}
              </span>
            ) : null}
          </td>
          {/* Labelled words (lib/staff/audit-detail.ts escapes bidi controls in every text it reads). */}
          <td>
            <AuditDetailList detail={e.detail} words={words} />
            {/* Said, rather than an empty cell that reads as if the link were nobody's. */}
            {linkOfNobody(e) ? <p className="text-xs">{t('linkOwnerUnrecorded')}</p> : null}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
