import Link from 'next/link';

/** The console's own navigation; the user-management link only for admins. */
export function StaffNav({ admin }: { admin: boolean }) {
  const link = 'rounded-md px-3 py-1.5 font-medium text-blue-900 underline-offset-4 hover:bg-blue-50 hover:underline';
  return (
    <nav aria-label="Support console sections" className="mb-6 flex flex-wrap gap-2 border-b border-slate-200 pb-3 text-sm">
      <Link href="/staff" className={link}>Queue and search</Link>
      <Link href="/staff/audit" className={link}>Audit log</Link>
      {admin ? <Link href="/staff/users" className={link}>Staff logins</Link> : null}
    </nav>
  );
}
