import { NextIntlClientProvider } from 'next-intl';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { CATALOGUES } from '@/lib/i18n/translate';

/**
 * The static HTML of `node` inside next-intl's provider, as a page in `locale` renders it: the
 * catalogue of that language (messages/<locale>.json), times in UTC. For components that use
 * next-intl's hooks (useTranslations, useFormatter), not next-intl/server.
 */
export function render(node: ReactNode, locale: 'en' | 'es' = 'en'): string {
  return renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  );
}

/**
 * The words of `html` as a reader sees them: each tag a space, the apostrophe and ampersand entities
 * React writes decoded, runs of whitespace one space.
 */
export const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
