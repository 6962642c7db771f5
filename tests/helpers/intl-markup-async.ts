import { NextIntlClientProvider } from 'next-intl';
import { createElement as h, type ReactNode } from 'react';
import { prerender } from 'react-dom/static';
import { CATALOGUES } from '@/lib/i18n/translate';

/**
 * As ./intl-markup.ts render, for a tree with an async server component in it (one that awaits a
 * read, as components/staff/customer-local-time.tsx awaits the callback number's zones): React's
 * static prerender waits for every promise, where renderToStaticMarkup gives up on the first. The
 * comments prerender writes for hydration (`<!-- -->` between two texts) are left out: the same HTML
 * as renderToStaticMarkup's.
 */
export async function renderAsync(node: ReactNode, locale: 'en' | 'es' = 'en'): Promise<string> {
  const { prelude } = await prerender(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  );
  return (await new Response(prelude).text()).replace(/<!--.*?-->/g, '');
}
