import type { Metadata, Viewport } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import { AppHeader } from '@/components/app-header';
import { FreshHistory } from '@/components/fresh-history';
import { ErrorTextProvider } from '@/components/i18n/error-text';
import { DIGEST_SLOT } from '@/lib/i18n/error-text';
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
  const te = await getTranslations('errors');
  // No next-intl client provider here: the segments whose forms translate in the browser render one
  // (components/i18n/client-messages.tsx), so the dashboard ships no message formatter.
  const errorText = {
    title: te('errorTitle'),
    body: te('error'),
    retry: te('retry'),
    reference: te('reference', { digest: DIGEST_SLOT }),
    unavailableTitle: te('unavailableTitle'),
    unavailableBody: te('unavailableBody'),
  };
  return (
    <html lang={locale}>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900">
        <ErrorTextProvider text={errorText}>
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
        </ErrorTextProvider>
      </body>
    </html>
  );
}
