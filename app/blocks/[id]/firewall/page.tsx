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
  const t = await getTranslations('doors');
  const checks = FIREWALL_CHECKS.map((name) => ({ name, label: t(`${name}.confirm`) }));
  return (
    <div className="flex flex-col gap-4">
      <Link href={`/blocks/${block.id}`} className="text-sm text-blue-800 underline">Back to the block</Link>
      <h1 className="text-2xl font-bold">We have hardened our firewall</h1>
      <p className="max-w-xl">When a PBX or SIP trunk is authenticated by its IP address there is no password to change: the way in is the network. Confirm what you changed and a support agent will call you back before lifting the block.</p>
      {block.status !== 'active' ? <p role="status">This block is no longer active.</p> : <FirewallForm blockId={block.id} legend={t('legend')} checks={checks} />}
    </div>
  );
}
