import { useTranslations } from 'next-intl';
import type { Translate } from '@/lib/i18n/note';
import { switchErrorText } from '@/lib/switch/error-text';

/**
 * A stored switch error (SwitchOperation.lastError) in the reader's words (lib/switch/error-text.ts),
 * with the switch's own message when it refused with one. Server components only (whole catalogue).
 */
export function SwitchError({ error }: { error: string }) {
  return switchErrorText(useTranslations() as unknown as Translate, error);
}
