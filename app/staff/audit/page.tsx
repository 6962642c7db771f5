import Link from 'next/link';
import { AuditFilters } from '@/components/staff/audit-filters';
import { AuditTable } from '@/components/staff/audit-table';
import { requireStaff } from '@/lib/auth/session';
import { auditFilterSchema, listAudit } from '@/lib/staff/audit-query';

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireStaff();
  const sp = await searchParams;
  const f = auditFilterSchema.parse(Object.fromEntries(['account', 'actor', 'action', 'from', 'to', 'before'].map((k) => [k, first(sp[k])])));
  const page = await listAudit(user, f);
  const keep = new URLSearchParams(Object.entries({ ...f, before: undefined }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  const older = page.next ? `/staff/audit?${new URLSearchParams([...keep, ['before', page.next]])}` : null;
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Audit log</h1>
      <p>Every security-relevant action, newest first. Entries are never changed or deleted.</p>
      <AuditFilters f={f} />
      {page.unknown ? <p role="status">No {page.unknown === 'account' ? 'account has that number' : 'login has that email'}.</p> : <AuditTable entries={page.entries} />}
      <nav aria-label="Audit log pages" className="flex gap-4">
        {f.before ? <Link href={`/staff/audit?${keep}`} className="text-blue-800 underline">Newest entries</Link> : null}
        {older ? <Link href={older} className="text-blue-800 underline">Older entries</Link> : null}
      </nav>
    </div>
  );
}
