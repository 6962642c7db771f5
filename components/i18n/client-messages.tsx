import { NextIntlClientProvider } from 'next-intl';
import { getMessages } from 'next-intl/server';
import { pickMessages } from '@/lib/i18n/client-messages';

/**
 * Gives the client components below it their messages (the `namespaces` part of the request's
 * catalogue: a segment's constant in lib/i18n/client-messages.ts), with the request's locale and time
 * zone. Only the route segments whose forms translate in the browser render it (their layout.tsx):
 * next-intl's provider brings use-intl's formatter (≈ 12 KiB gzip) into the page's first-load
 * JavaScript, and the dashboard needs none of it.
 */
export async function ClientMessages({
  children,
  namespaces,
}: {
  children: React.ReactNode;
  namespaces: readonly string[];
}) {
  return (
    <NextIntlClientProvider messages={pickMessages(await getMessages(), namespaces)}>
      {children}
    </NextIntlClientProvider>
  );
}
