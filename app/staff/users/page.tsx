import { CreateStaffForm, DisableForm, RoleForm } from '@/components/staff/staff-user-forms';
import { requireStaff } from '@/lib/auth/session';
import { listStaffUsers } from '@/lib/staff/users';

export default async function StaffUsersPage() {
  const user = await requireStaff(['admin']);
  const staff = await listStaffUsers(user);
  return (
    <div className="flex flex-col gap-8">
      <h1 className="text-2xl font-bold">Staff logins</h1>
      <section aria-labelledby="list-title" className="flex flex-col gap-3">
        <h2 id="list-title" className="text-xl font-semibold">Agents and admins</h2>
        <ul className="flex flex-col gap-3">
          {staff.map((s) => (
            <li key={s.id} className="flex flex-col gap-2 rounded-md border border-slate-200 bg-white p-3">
              <p>
                <span className="font-semibold">{s.email}</span> {s.name ? `(${s.name})` : ''} · {s.role === 'admin' ? 'Admin' : 'Support agent'}
                {' · '}{s.totpEnabledAt ? 'Two-factor on' : 'Two-factor not set up yet'}
                {s.disabled ? ' · Disabled' : ''}{s.self ? ' · You' : ''}
              </p>
              {s.self ? null : (
                <div className="flex flex-wrap items-end gap-6">
                  <RoleForm userId={s.id} email={s.email} role={s.role} />
                  <DisableForm userId={s.id} email={s.email} disabled={s.disabled} />
                </div>
              )}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="create-title" className="flex flex-col gap-3">
        <h2 id="create-title" className="text-xl font-semibold">Add a staff login</h2>
        <p>The new login gets a generated first password, shown here once. On first sign-in they must set up two-factor authentication before they can see anything; they can change the password on their login page.</p>
        <CreateStaffForm />
      </section>
    </div>
  );
}
