import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { FirewallForm } from '@/components/block/firewall-form';
import { requireUser } from '@/lib/auth/session';
import { getBlockForUser } from '@/lib/blocks/queries';
import { FIREWALL_CHECKS } from '@/lib/requests/doors';

export default async function FirewallPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/blocks/${encodeURIComponent(id)}/firewall`);
  const block = await getBlockForUser(user.id, id);
  if (!block) notFound();
  const t = await getTranslations('unblock');
  const doors = await getTranslations('doors');
  const checks = FIREWALL_CHECKS.map((name) => ({ name, label: doors(`${name}.confirm`) }));
  return (
    <div className="flex flex-col gap-4">
      <Link href={`/blocks/${block.id}`} className="text-sm text-blue-800 underline">
        {t('back')}
      </Link>
      <h1 className="text-2xl font-bold">{t('firewall.title')}</h1>
      <p className="max-w-xl">{t('firewall.intro')}</p>
      {block.status !== 'active' ? (
        <p role="status">{t('inactive')}</p>
      ) : (
        <FirewallForm blockId={block.id} legend={doors('legend')} checks={checks} />
      )}
    </div>
  );
}
