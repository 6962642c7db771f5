import { Link } from '@/components/ui/link';
import { useTranslations } from 'next-intl';
import { TARGET_SIZE } from '@/components/ui/button-class';

/** The console's own navigation; the admins' pages (staff logins, the lift policy) linked only for admins. */
export function StaffNav({ admin }: { admin: boolean }) {
  const t = useTranslations('staff.nav');
  const link = `${TARGET_SIZE} inline-flex items-center rounded-md px-3 py-1.5 font-medium text-blue-900 underline-offset-4 hover:bg-blue-50 hover:underline`;
  return (
    <nav aria-label={t('label')} className="mb-6 flex flex-wrap gap-2 border-b border-slate-200 pb-3 text-sm">
      <Link href="/staff" className={link}>
        {t('queue')}
      </Link>
      <Link href="/staff/blocks" className={link}>
        {t('blocks')}
      </Link>
      <Link href="/staff/audit" className={link}>
        {t('audit')}
      </Link>
      {admin ? (
        <>
          <Link href="/staff/users" className={link}>
            {t('users')}
          </Link>
          <Link href="/staff/policy" className={link}>
            {t('policy')}
          </Link>
        </>
      ) : null}
    </nav>
  );
}
