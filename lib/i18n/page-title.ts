import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import type { Translate } from '@/lib/i18n/note';

/**
 * A page's metadata: its `<title>`, the catalogue message `key` (a full path such as "profile.title",
 * filled with `values`) followed by the product's name, in the reader's language: "Su acceso ·
 * Tollgate". Each page says what it is (WCAG 2.2 SC 2.4.2, Page Titled), so that browser tabs, the
 * history and the first words a screen reader speaks tell the pages apart; before, every signed-in
 * page was titled "Tollgate". Use as `export const generateMetadata = () => pageTitle('…')`.
 * Throws what next-intl throws for a key no catalogue has (a programming error).
 */
export async function pageTitle(key: string, values?: Record<string, string>): Promise<Metadata> {
  const t = (await getTranslations()) as unknown as Translate;
  return { title: t('app.meta.page', { page: t(key, values), app: t('app.name') }) };
}
