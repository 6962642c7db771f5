import { StaffNav } from '@/components/staff/staff-nav';
import { requireStaff } from '@/lib/auth/session';

// Keeps customers and unverified staff out of every /staff page. Each staff data read and action
// checks again on its own (lib/auth/roles.ts): a layout check does not protect an action.
// No next-intl provider here: the pages whose client forms translate in the browser render one
// around what they need (lib/i18n/client-messages.ts, STAFF_CLIENT_NAMESPACES), so the audit log
// and a search, which have none, send no catalogue to the browser.
export default async function StaffLayout({ children }: { children: React.ReactNode }) {
  const user = await requireStaff();
  return (
    <>
      <StaffNav admin={user.role === 'admin'} />
      {children}
    </>
  );
}
