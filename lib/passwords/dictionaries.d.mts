// Types of lib/passwords/dictionaries.mjs (plain JavaScript, shared by the meter's Web Worker and the
// server's scoring threads).

/** `word` without combining marks (lib/passwords/accents.mjs), re-exported. */
export { withoutAccents } from './accents.mjs';
/** Adds the Spanish word lists to this realm's zxcvbn dictionaries (idempotent); see the module's comment. */
export function installLanguageDictionaries(): void;
