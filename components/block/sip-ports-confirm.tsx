import { useLocale, useTranslations } from 'next-intl';
import { listOfNodes } from '@/components/block/explanation';
import { providerSipAddressValues } from '@/components/ui/sip-addresses';
import { intlTag } from '@/lib/i18n/locales';

/**
 * The firewall form's SIP ports box, as its label reads (doors.sipPorts.confirmListed): that SIP ports
 * 5060 and 5061 accept connections only from our addresses, listed as the block page's advice lists
 * them (PROVIDER_SIP_ADDRESSES, components/ui/sip-addresses.tsx), or, unset, with where to ask for
 * them (SUPPORT_CONTACT). "Only from the provider's addresses" alone had the customer tick a box
 * about a list they had never been shown. Rendered by the server page (it reads the configuration)
 * and handed to the form as its label. The agent's copy of what was confirmed keeps
 * doors.sipPorts.confirm.
 */
export function SipPortsConfirm() {
  const t = useTranslations('doors');
  const tag = intlTag(useLocale());
  return t.rich(
    'sipPorts.confirmListed',
    providerSipAddressValues((entries) => listOfNodes(entries, tag)),
  );
}
