// Text built outside a page (lib/ modules, the password meter's worker, mail) is a Note: a catalogue
// key and its values. Whoever shows it turns it into words in the reader's language. No catalogue is
// imported here, so browser code can use it without shipping every message.

/**
 * A catalogue key (full path, e.g. "password.problem.tooShort") and its ICU values; a value may itself
 * be a Note, or a list of Notes (shown one after another, separated by "; ").
 */
export type Note = { key: string; values?: Record<string, string | number | Note | Note[]> };

/**
 * Who reads a text: `staff` (support's pages and mails, in the words support knows: "the switch") or
 * `customer` (an account member's pages and mails: "our phone system", no internal codes or
 * product names). Chooses the catalogue of what the system says of its own workings, as
 * lib/switch/error-text.ts switchErrorNote does for a stored switch error.
 */
export type Audience = 'staff' | 'customer';

/** The bare shape both next-intl translators (useTranslations(), createTranslator) satisfy. */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

/** `note` in words, its nested notes first. */
export function noteText(t: Translate, note: Note): string {
  const values: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(note.values ?? {}))
    values[k] = Array.isArray(v)
      ? v.map((n) => noteText(t, n)).join('; ')
      : typeof v === 'object'
        ? noteText(t, v)
        : v;
  return t(note.key, values);
}

/** Several notes as one message, sentence after sentence. */
export const notesText = (t: Translate, notes: Note[]) => notes.map((n) => noteText(t, n)).join(' ');
