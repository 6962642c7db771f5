import type { Metadata, Viewport } from 'next';
import { NextIntlClientProvider } from 'next-intl';
import { getLocale, getMessages, getTranslations } from 'next-intl/server';
import { AppHeader } from '@/components/app-header';
import { FreshHistory } from '@/components/fresh-history';
import { CLIENT_NAMESPACES, pickMessages } from '@/lib/i18n/client-messages';
import './globals.css';

/** Title and description in the reader's language (app.meta). */
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('app');
  return { title: t('name'), description: t('meta.description') };
}
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const locale = await getLocale();
  const t = await getTranslations('app');
  // Only the namespaces client components read cross the wire (lib/i18n/client-messages.ts).
  const clientMessages = pickMessages(await getMessages(), CLIENT_NAMESPACES);
  return (
    <html lang={locale}>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900">
        <NextIntlClientProvider messages={clientMessages}>
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:p-2"
          >
            {t('skip')}
          </a>
          <FreshHistory />
          <AppHeader />
          <main id="main" className="mx-auto max-w-5xl px-4 py-6 sm:py-10">
            {children}
          </main>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
