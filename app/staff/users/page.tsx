import { getTranslations } from 'next-intl/server';
import { CreateStaffForm, DisableForm, ResetFactorForm, RoleForm } from '@/components/staff/staff-user-forms';
import { ClientMessages } from '@/components/i18n/client-messages';
import { requireStaff } from '@/lib/auth/session';
import { STAFF_CLIENT_NAMESPACES } from '@/lib/i18n/client-messages';
import { listStaffUsers } from '@/lib/staff/users';
import { Section } from '@/components/ui/section';
import { displayEmail } from '@/lib/auth/email-address';
import { pageTitle } from '@/lib/i18n/page-title';
import { newIdempotencyKey } from '@/lib/server/idempotency';

export const generateMetadata = () => pageTitle('staff.users.title');

export default async function StaffUsersPage() {
  const user = await requireStaff(['admin']);
  const staff = await listStaffUsers(user);
  const t = await getTranslations('staff.users');
  return (
    <ClientMessages namespaces={STAFF_CLIENT_NAMESPACES}>
      <div className="flex flex-col gap-8">
        <h1 className="text-2xl font-bold">{t('title')}</h1>
        <Section id="list-title" title={t('list')}>
          <p>{t('resetIntro')}</p>
          <p>{t('reasonsIntro')}</p>
          <ul className="flex flex-col gap-3">
            {staff.map((s) => (
              <li key={s.id} className="flex flex-col gap-2 rounded-md border border-slate-200 bg-white p-3">
                <p>
                  <span className="font-semibold">{displayEmail(s.email)}</span> {s.name ? `(${s.name})` : ''}{' '}
                  · {t(s.role === 'admin' ? 'role.admin' : 'role.agent')}
                  {' · '}
                  {s.totpEnabledAt ? t('totpOn') : t('totpOff')}
                  {s.disabled ? ` · ${t('disabled')}` : ''}
                  {s.self ? ` · ${t('you')}` : ''}
                </p>
                {s.self ? null : (
                  <div className="flex flex-wrap items-start gap-6">
                    <RoleForm userId={s.id} email={displayEmail(s.email)} role={s.role} />
                    <DisableForm userId={s.id} email={displayEmail(s.email)} disabled={s.disabled} />
                    <ResetFactorForm
                      userId={s.id}
                      email={displayEmail(s.email)}
                      idempotencyKey={newIdempotencyKey()}
                    />
                  </div>
                )}
              </li>
            ))}
          </ul>
        </Section>
        <Section id="create-title" title={t('create')}>
          <p>{t('createIntro')}</p>
          <CreateStaffForm idempotencyKey={newIdempotencyKey()} />
        </Section>
      </div>
    </ClientMessages>
  );
}
