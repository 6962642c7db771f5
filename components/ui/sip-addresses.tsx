import type { ReactNode } from 'react';
import { env } from '@/lib/server/env';

/** An entry of the list, as a sentence's list formats it: its words, and how it is shown. */
type Entry = { text: string; shown: ReactNode };

/**
 * The values of a page's sentence that names the provider's SIP addresses (block.explain.firewall,
 * doors.sipPorts.close), for `t.rich`: `listed` "yes" and the `<addresses></addresses>` tag, the
 * list joined by `listOf` (components/block/explanation.tsx listOfNodes in the page's language: "a,
 * b y c") with each entry as code, kept on one line; or `listed` "no", and the sentence tells the
 * reader to ask `support` for the list. `addresses` is PROVIDER_SIP_ADDRESSES as parsed (null,
 * undefined or empty: unset). The mails' counterpart is lib/mail/templates/context.ts
 * sipAddressArgs. Pure.
 */
export function sipAddressValues(
  addresses: readonly string[] | null | undefined,
  support: string,
  listOf: (entries: Entry[]) => ReactNode,
): { listed: 'yes' | 'no'; support: string; addresses: () => ReactNode } {
  const listed = addresses?.length ? addresses : null;
  return {
    listed: listed ? 'yes' : 'no',
    support,
    addresses: () =>
      listed
        ? listOf(listed.map((a) => ({ text: a, shown: <code className="unbroken font-mono">{a}</code> })))
        : null,
  };
}

/** sipAddressValues with this server's configuration: PROVIDER_SIP_ADDRESSES and SUPPORT_CONTACT. */
export function providerSipAddressValues(listOf: (entries: Entry[]) => ReactNode) {
  const e = env();
  return sipAddressValues(e.PROVIDER_SIP_ADDRESSES, e.SUPPORT_CONTACT, listOf);
}
