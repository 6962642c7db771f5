import { useTranslations } from 'next-intl';
import type { Audience, Translate } from '@/lib/i18n/note';
import { storedText } from '@/lib/i18n/stored';
import { revealInvisible } from '@/lib/server/control-characters';

/**
 * Words a person typed, as typed: their line breaks kept (an agent's note of a callback in three
 * lines, a reason for the customer), as the customer's own account of a misdial is shown to staff
 * (components/staff/request-summary.tsx). Invisible formatting characters (bidi overrides) are shown
 * as `\uXXXX`; nothing when empty. Inline, so it can follow a label on the same line.
 */
export function KeptLines({ text }: { text: string | null | undefined }) {
  const shown = revealInvisible(text ?? null);
  return shown ? <span className="whitespace-pre-wrap">{shown}</span> : null;
}

/**
 * A column the system may have written as a note (block event detail, decision note, block note, sync
 * detail) in the reader's language, and in the words of `audience` (default `staff`; a customer's page
 * passes `customer`: a switch error nested in a note then says "our phone system", lib/i18n/stored.ts
 * storedText); a person's own words as they wrote them, line breaks kept (KeptLines); nothing when
 * empty. Invisible formatting characters (bidi overrides) in text stored before forms refused them
 * are shown as `\uXXXX`. Server components only (reads the whole catalogue).
 */
export function StoredText({
  value,
  audience = 'staff',
}: {
  value: string | null | undefined;
  audience?: Audience;
}) {
  const t = useTranslations() as unknown as Translate;
  return <KeptLines text={storedText(t, value, audience)} />;
}
