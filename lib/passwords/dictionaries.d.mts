// Types of lib/passwords/dictionaries.mjs (plain JavaScript, shared by the meter's Web Worker and the
// server's scoring threads).

/** `word` without combining marks (NFD, Mn removed, NFC): "corazón" → "corazon". */
export function withoutAccents(word: string): string;
/** Adds the Spanish word lists to this realm's zxcvbn dictionaries (idempotent); see the module's comment. */
export function installLanguageDictionaries(): void;
