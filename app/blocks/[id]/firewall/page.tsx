import { getTranslations } from 'next-intl/server';
import { SipPortsConfirm } from '@/components/block/sip-ports-confirm';
import { FirewallForm } from '@/components/block/firewall-form';
import { FIREWALL_CHECKS } from '@/lib/requests/doors';
import { BlockStep } from '@/components/block/block-step';
import { PendingRequest } from '@/components/block/pending-notice';
import { blockPageTitle, ownBlock } from '../own-block';

export const generateMetadata = ({ params }: { params: Promise<{ id: string }> }) =>
  blockPageTitle(params, 'unblock.firewall.title');

export default async function FirewallPage({ params }: { params: Promise<{ id: string }> }) {
  const { block } = await ownBlock(params, '/firewall');
  const t = await getTranslations('unblock');
  const doors = await getTranslations('doors');
  // The SIP ports' box names the provider's addresses (or where to ask for them).
  const checks = FIREWALL_CHECKS.map((name) => ({
    name,
    label: name === 'sipPorts' ? <SipPortsConfirm /> : doors(`${name}.confirm`),
  }));
  // One request per block at a time (a misdial or this one): a pending one is said up front.
  const pending = block.requests.find((r) => r.status === 'pending');
  return (
    <BlockStep
      block={block}
      copy={{ title: t('firewall.title'), intro: t('firewall.intro'), inactive: t('inactive') }}
      instead={pending ? <PendingRequest blockId={block.id} request={pending} /> : undefined}
    >
      {(closed) => (
        <FirewallForm blockId={block.id} legend={doors('legend')} checks={checks} closed={closed} />
      )}
    </BlockStep>
  );
}
