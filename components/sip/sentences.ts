// Sentences put together from catalogue messages, some of which end in a full stop (the password
// problems: "Use at least 12 characters.") and some not (zxcvbn's advice: "Avoid sequences", the
// meter's verdict). Joined with ". " they read "characters.. The password…" to a screen reader.

/**
 * A full stop, question or exclamation mark, or an ellipsis at the end, optionally followed by
 * closing quotes or brackets (“…”, «…», (…)): English and Spanish end a sentence the same way.
 */
const ENDED = /[.!?…]["'”’»)\]]*$/;

/** `text` trimmed, ending once: a full stop added only when it has no end of its own (ENDED). */
export function asSentence(text: string): string {
  const t = text.trim();
  return !t || ENDED.test(t) ? t : `${t}.`;
}

/**
 * `parts` as one paragraph of sentences: each one ended once (asSentence), empty ones left out,
 * joined by one space. ["Weak; not accepted", "Use at least 12 characters."] → "Weak; not accepted.
 * Use at least 12 characters."
 */
export function joinSentences(parts: readonly string[]): string {
  return parts
    .map(asSentence)
    .filter((p) => p !== '')
    .join(' ');
}
