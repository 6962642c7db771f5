import type { ReactNode } from 'react';
import { PageHead } from '@/components/ui/page-head';

/**
 * A page that asks something of a block in force (misdial, firewall, allowance): back to the block,
 * the title and intro, then the form; once the block is no longer active, a status line instead.
 */
export function BlockStep({
  blockId,
  active,
  back,
  title,
  intro,
  inactive,
  children,
}: {
  blockId: string;
  active: boolean;
  back: string;
  title: string;
  intro: string;
  inactive: string;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-4">
      <PageHead back={{ href: `/blocks/${blockId}`, label: back }} title={title}>
        <p className="max-w-xl">{intro}</p>
      </PageHead>
      {active ? children : <p role="status">{inactive}</p>}
    </div>
  );
}
