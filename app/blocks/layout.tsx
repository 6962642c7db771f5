import { ClientMessages } from '@/components/i18n/client-messages';

// The forms under this segment translate in the browser: they get their messages here, not from the
// root layout (components/i18n/client-messages.tsx).
export default function Layout({ children }: { children: React.ReactNode }) {
  return <ClientMessages>{children}</ClientMessages>;
}
