// Types of lib/passwords/accents.mjs (plain JavaScript, shared by the browser, the request thread and
// the server's scoring threads).

/** `word` without combining marks (NFD, Mn removed, NFC): "corazón" → "corazon", "peñalara" → "penalara". */
export function withoutAccents(word: string): string;
