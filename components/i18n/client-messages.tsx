import { NextIntlClientProvider } from 'next-intl';
import { getMessages } from 'next-intl/server';
import { CLIENT_NAMESPACES, pickMessages } from '@/lib/i18n/client-messages';

/**
 * Gives the client components below it their messages (the CLIENT_NAMESPACES part of the request's
 * catalogue, or `namespaces`), with the request's locale and time zone. Only the route segments whose
 * forms translate in the browser render it (their layout.tsx): next-intl's provider brings use-intl's
 * formatter (≈ 12 KiB gzip) into the page's first-load JavaScript, and the dashboard needs none of it.
 */
export async function ClientMessages({
  children,
  namespaces = CLIENT_NAMESPACES,
}: {
  children: React.ReactNode;
  namespaces?: readonly string[];
}) {
  return (
    <NextIntlClientProvider messages={pickMessages(await getMessages(), namespaces)}>
      {children}
    </NextIntlClientProvider>
  );
}
