import type { ReactNode } from 'react';
import { getTranslations } from 'next-intl/server';
import { PageHead } from '@/components/ui/page-head';

/**
 * A page that asks something of a block in force (misdial, firewall, allowance): back to the block,
 * the title and intro, then the form; once the block is no longer active, the `inactive` status line
 * instead. `instead`: what to show in place of the form while the block is active but the form could
 * only be refused (a request already pending: components/block/pending-notice.tsx). A server
 * component (it words the back link itself).
 *
 * `children(closed)`: the form, always rendered at the same place, `closed` once the block is no longer
 * active or `instead` shows. A closed form (ActionForm `closed`) keeps only the answer it was given,
 * so a refusal that means the state moved on (a request already pending from another tab, the block
 * lifted meanwhile: the action draws the page again, lib/requests/actions.ts) is still read beside
 * what the page now shows; opened afresh, a closed form shows nothing.
 */
export async function BlockStep({
  block,
  copy,
  instead,
  children,
}: {
  block: { id: string; status: string };
  copy: { title: string; intro: string; inactive: string };
  instead?: ReactNode;
  children: (closed: boolean) => ReactNode;
}) {
  const t = await getTranslations('unblock');
  const inactive = block.status !== 'active';
  return (
    <div className="flex flex-col gap-4">
      <PageHead back={{ href: `/blocks/${block.id}`, label: t('back') }} title={copy.title}>
        <p className="max-w-xl">{copy.intro}</p>
      </PageHead>
      {inactive ? <p role="status">{copy.inactive}</p> : instead}
      {children(inactive || instead !== undefined)}
    </div>
  );
}
