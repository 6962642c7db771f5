// @ts-check
// Plain JavaScript on purpose, like dictionaries.mjs: the server's scoring threads load that module
// outside Next's bundles, and the account's context words (words.ts) are folded the same way in the
// browser's page code and on the request thread without loading the word lists. Types: accents.d.mts.

/**
 * `word` without combining marks (Unicode NFD, then every Mn removed, then NFC): "corazón" → "corazon",
 * "pingüino" → "pinguino", "ñandú" → "nandu", "calçats" → "calcats". Letters that are not a base
 * letter and a mark ("ß", "ø", "æ", "ł") stay as they are.
 * @param {string} word
 * @returns {string}
 */
export function withoutAccents(word) {
  return word
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .normalize('NFC');
}
