import { getTranslations } from 'next-intl/server';
import { FirewallForm } from '@/components/block/firewall-form';
import { FIREWALL_CHECKS } from '@/lib/requests/doors';
import { BlockStep } from '@/components/block/block-step';
import { blockPageTitle, ownBlock } from '../own-block';

export const generateMetadata = ({ params }: { params: Promise<{ id: string }> }) =>
  blockPageTitle(params, 'unblock.firewall.title');

export default async function FirewallPage({ params }: { params: Promise<{ id: string }> }) {
  const { block } = await ownBlock(params, '/firewall');
  const t = await getTranslations('unblock');
  const doors = await getTranslations('doors');
  const checks = FIREWALL_CHECKS.map((name) => ({ name, label: doors(`${name}.confirm`) }));
  return (
    <BlockStep
      block={block}
      copy={{ title: t('firewall.title'), intro: t('firewall.intro'), inactive: t('inactive') }}
    >
      <FirewallForm blockId={block.id} legend={doors('legend')} checks={checks} />
    </BlockStep>
  );
}
