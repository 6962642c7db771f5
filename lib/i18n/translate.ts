import { createTranslator } from 'use-intl/core';
// use-intl/core: no React, so the operator CLI (tsx --conditions=react-server) and the mail worker can load it.
import en from '@/messages/en.json';
import es from '@/messages/es.json';
import { DEFAULT_LOCALE, type Locale } from '@/lib/i18n/locales';
import type { Translate } from '@/lib/i18n/note';

// Translators outside a request (mail worker, server-side messages for a known reader, the operator
// CLI, tests). Pages use next-intl's getTranslations / useTranslations instead.

export const CATALOGUES = { en, es } as const;

/**
 * A translator over the whole catalogue of `locale` (English when omitted). Its numbers, dates and
 * plurals are formatted for `formatWith` (a BCP 47 tag of that language, lib/i18n/locales.ts
 * formatTag: `es-MX`), else for the bare language.
 */
export function translator(locale: Locale = DEFAULT_LOCALE, formatWith: string = locale) {
  return createTranslator({ locale: formatWith, messages: CATALOGUES[locale] as typeof en });
}

/** The same, as the bare Translate that lib/i18n/note.ts takes (keys built at run time). */
export const translate = (locale: Locale = DEFAULT_LOCALE): Translate =>
  translator(locale) as unknown as Translate;
