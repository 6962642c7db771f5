import { useTranslations } from 'next-intl';
import type { Translate } from '@/lib/i18n/note';
import { storedText } from '@/lib/i18n/stored';
import { revealInvisible } from '@/lib/server/control-characters';

/**
 * A column the system may have written as a note (block event detail, decision note, block note, sync
 * detail) in the reader's language; a person's own words as they wrote them; nothing when empty.
 * Invisible formatting characters (bidi overrides) in text stored before forms refused them are
 * shown as `\uXXXX`. Server components only (reads the whole catalogue).
 */
export function StoredText({ value }: { value: string | null | undefined }) {
  const t = useTranslations() as unknown as Translate;
  return revealInvisible(storedText(t, value));
}
