import type { ReactNode } from 'react';
import { getTranslations } from 'next-intl/server';
import { PageHead } from '@/components/ui/page-head';

/**
 * A page that asks something of a block in force (misdial, firewall, allowance): back to the block,
 * the title and intro, then the form; once the block is no longer active, the `inactive` status line
 * instead. A server component (it words the back link itself).
 */
export async function BlockStep({
  block,
  copy,
  children,
}: {
  block: { id: string; status: string };
  copy: { title: string; intro: string; inactive: string };
  children: ReactNode;
}) {
  const t = await getTranslations('unblock');
  return (
    <div className="flex flex-col gap-4">
      <PageHead back={{ href: `/blocks/${block.id}`, label: t('back') }} title={copy.title}>
        <p className="max-w-xl">{copy.intro}</p>
      </PageHead>
      {block.status === 'active' ? children : <p role="status">{copy.inactive}</p>}
    </div>
  );
}
