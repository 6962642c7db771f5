import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import type { Translate } from '@/lib/i18n/note';

/**
 * A page's metadata: its `<title>`, the catalogue message `key` (a full path such as "profile.title",
 * filled with `values`) followed by the product's name, in the reader's language: "Su acceso ·
 * Tollgate". Each page says what it is (WCAG 2.2 SC 2.4.2, Page Titled), so that browser tabs, the
 * history and the first words a screen reader speaks tell the pages apart; before, every signed-in
 * page was titled "Tollgate". Use as `export const generateMetadata = () => pageTitle('…')`. A page
 * about one account's block or request passes the account's number (`account`), so that the tabs
 * of a customer's or an agent's several accounts tell apart too: "Unblock request · ACC-1001 ·
 * Tollgate".
 * Throws what next-intl throws for a key no catalogue has (a programming error).
 */
export async function pageTitle(
  key: string,
  values?: Record<string, string>,
  account?: string | null,
): Promise<Metadata> {
  const t = (await getTranslations()) as unknown as Translate;
  const page = account ? t('app.meta.ofAccount', { page: t(key, values), number: account }) : t(key, values);
  return { title: t('app.meta.page', { page, app: t('app.name') }) };
}
