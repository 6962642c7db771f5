import { useTranslations } from 'next-intl';
import type { Translate } from '@/lib/i18n/note';
import { storedText } from '@/lib/i18n/stored';

/**
 * A column the system may have written as a note (block event detail, decision note, block note, sync
 * detail) in the reader's language; a person's own words as they wrote them; nothing when empty.
 * Server components only (reads the whole catalogue).
 */
export function StoredText({ value }: { value: string | null | undefined }) {
  const t = useTranslations() as unknown as Translate;
  return storedText(t, value);
}
