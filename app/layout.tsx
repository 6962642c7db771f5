import type { Metadata, Viewport } from 'next';
import { NextIntlClientProvider } from 'next-intl';
import { getLocale, getMessages, getTranslations } from 'next-intl/server';
import { AppHeader } from '@/components/app-header';
import { FreshHistory } from '@/components/fresh-history';
import './globals.css';

/** Title and description in the reader's language (app.meta). */
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('app');
  return { title: t('name'), description: t('meta.description') };
}
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

// strength, password and reset: the strength meter and the SIP password form, which run in the browser;
// staff: the labels inside the staff console's client forms; mfa: two-factor set-up and recovery codes.
const CLIENT_NAMESPACES = [
  'signIn',
  'profile',
  'errors',
  'strength',
  'password',
  'reset',
  'unblock',
  'staff',
  'mfa',
] as const;

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const locale = await getLocale();
  const t = await getTranslations('app');
  // Only the namespaces client components read cross the wire; server components translate on the server.
  const all = await getMessages();
  const clientMessages = Object.fromEntries(CLIENT_NAMESPACES.map((k) => [k, all[k]]));
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
