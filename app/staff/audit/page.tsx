import { Link } from '@/components/ui/link';
import { PAGE_LINK } from '@/components/ui/button-class';
import { getTranslations } from 'next-intl/server';
import { AuditAnswer } from '@/components/staff/audit-answer';
import { AuditFilters } from '@/components/staff/audit-filters';
import { AuditTable } from '@/components/staff/audit-table';
import { requireStaff } from '@/lib/auth/session';
import { auditActionsFor, auditFilterSchema, listAudit } from '@/lib/staff/audit-query';
import { pageTitle } from '@/lib/i18n/page-title';

export const generateMetadata = () => pageTitle('staff.audit.title');

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireStaff();
  const t = await getTranslations('staff.audit');
  const tStaff = await getTranslations('staff');
  const sp = await searchParams;
  const f = auditFilterSchema.parse(
    Object.fromEntries(['account', 'actor', 'action', 'from', 'to', 'before'].map((k) => [k, first(sp[k])])),
  );
  const page = await listAudit(user, f);
  const keep = new URLSearchParams(
    Object.entries({ ...f, before: undefined }).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '',
    ),
  );
  // A filter set, or a later page: the page is the answer to something the agent asked.
  const filtered = [...keep.keys()].length > 0;
  const asked = filtered || !!f.before;
  const older = page.next ? `/staff/audit?${new URLSearchParams([...keep, ['before', page.next]])}` : null;
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <p>{t('intro')}</p>
      {/* The actions this reader may read: an agent is not offered staff management. */}
      <AuditFilters f={f} timeZone={user.timeZone} actions={auditActionsFor(user.role)} />
      {page.badCursor ? <p role="status">{tStaff('badCursor')}</p> : null}
      {asked ? (
        // The filters are a GET form and the pages plain links: each answer loads the page anew, keyed
        // by the query so that each answer arrives anew.
        <AuditAnswer key={keep.toString() + (f.before ?? '')} page={page} f={f} filtered={filtered} />
      ) : null}
      {/* No table when a filter was not applied: the answer above says every reason, and no entry was read. */}
      {page.unknown ||
      page.unreadable.length > 0 ||
      page.actionNotApplied ||
      page.actorNotApplied ||
      (asked && page.entries.length === 0) ? null : (
        <AuditTable entries={page.entries} />
      )}
      <nav aria-label={t('pages')} className="flex gap-4">
        {f.before && !page.badCursor ? (
          <Link href={`/staff/audit?${keep}`} className={PAGE_LINK}>
            {t('newest')}
          </Link>
        ) : null}
        {older ? (
          <Link href={older} className={PAGE_LINK}>
            {t('older')}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
