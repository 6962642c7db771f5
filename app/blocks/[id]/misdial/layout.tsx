import { ClientMessages } from '@/components/i18n/client-messages';
import { BLOCK_CLIENT_NAMESPACES } from '@/lib/i18n/client-messages';

// The unblock request form on this page translates in the browser: it gets its messages here, and only
// the namespaces it reads. The block page itself renders no provider (its "Withdraw" button is worded
// on the server), so its first load carries no message formatter.
export default function Layout({ children }: { children: React.ReactNode }) {
  return <ClientMessages namespaces={BLOCK_CLIENT_NAMESPACES}>{children}</ClientMessages>;
}
