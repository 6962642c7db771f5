import { ClientMessages } from '@/components/i18n/client-messages';
import { BLOCK_CLIENT_NAMESPACES } from '@/lib/i18n/client-messages';

// The forms under this segment translate in the browser: they get their messages here, not from the
// root layout (components/i18n/client-messages.tsx), and only the namespaces they read.
export default function Layout({ children }: { children: React.ReactNode }) {
  return <ClientMessages namespaces={BLOCK_CLIENT_NAMESPACES}>{children}</ClientMessages>;
}
