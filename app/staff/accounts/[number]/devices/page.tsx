import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { StaffAccountDevices } from '@/components/staff/account-devices';
import { PageHead } from '@/components/ui/page-head';
import { requireStaff } from '@/lib/auth/session';
import { devicesForStaff } from '@/lib/devices/registrations';
import { pageTitle } from '@/lib/i18n/page-title';
import { getAccountForStaff } from '@/lib/staff/account-detail';

export async function generateMetadata({ params }: { params: Promise<{ number: string }> }) {
  return pageTitle('app.meta.account', { number: (await params).number });
}

/**
 * One account's registered devices for staff, on their own page: the account page links here while
 * it refreshes itself (a change waits for the switch), so that its refreshes, every few seconds, do
 * not read the switch once per SIP credential each time (review, 2026-12-07: a 45-credential account
 * was about 4.5 registration reads a second per open tab for as long as the switch was slow). Read
 * once per view. Staff only (requireStaff, then getAccountForStaff; another number is a 404).
 */
export default async function StaffAccountDevicesPage({ params }: { params: Promise<{ number: string }> }) {
  const user = await requireStaff();
  const { number } = await params;
  const a = await getAccountForStaff(user, number);
  if (!a) notFound();
  const t = await getTranslations('staff.devices');
  return (
    <div className="flex flex-col gap-8">
      <PageHead
        back={{ href: `/staff/accounts/${encodeURIComponent(a.number)}`, label: t('backToAccount') }}
        title={
          <>
            {a.name} ({a.number})
          </>
        }
      />
      <StaffAccountDevices load={devicesForStaff(user, a.id)} />
    </div>
  );
}
