import { NextIntlClientProvider } from 'next-intl';
import { getMessages } from 'next-intl/server';
import { StaffNav } from '@/components/staff/staff-nav';
import { requireStaff } from '@/lib/auth/session';
import { pickMessages, STAFF_CLIENT_NAMESPACES } from '@/lib/i18n/client-messages';

// Keeps customers and unverified staff out of every /staff page. Each staff data read and action
// checks again on its own (lib/auth/roles.ts): a layout check does not protect an action.
// The staff console's client forms also read their parts of the staff namespace, which customer
// pages never send (STAFF_CLIENT_NAMESPACES).
export default async function StaffLayout({ children }: { children: React.ReactNode }) {
  const user = await requireStaff();
  return (
    <NextIntlClientProvider messages={pickMessages(await getMessages(), STAFF_CLIENT_NAMESPACES)}>
      <StaffNav admin={user.role === 'admin'} />
      {children}
    </NextIntlClientProvider>
  );
}
