import { StaffNav } from '@/components/staff/staff-nav';
import { requireStaff } from '@/lib/auth/session';

// Keeps customers and unverified staff out of every /staff page. Each staff data read and action
// checks again on its own (lib/auth/roles.ts): a layout check does not protect an action.
export default async function StaffLayout({ children }: { children: React.ReactNode }) {
  const user = await requireStaff();
  return (
    <>
      <StaffNav admin={user.role === 'admin'} />
      {children}
    </>
  );
}
