import { getTranslations } from 'next-intl/server';
import { requireStaff } from '@/lib/auth/session';

export default async function StaffHome() {
  await requireStaff();
  const t = await getTranslations('staff');
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <p>{t('intro')}</p>
    </div>
  );
}
