// Characters a SIP password should not contain, and why. Pure: the browser meter and the server use it.
//
// A SIP password never travels in a SIP message (RFC 3261 §22.4: digest), but it is typed into phone
// web pages and keypads, written into provisioning files (XML, INI), put in URLs (user:password@host,
// RFC 3986 §3.2.1) and shell commands. Each character below breaks at least one of those somewhere.

import type { Note } from '@/lib/i18n/note';

/**
 * Each refused character → its catalogue sentence, password.sipChar.<name>, which names it:
 * ":" separates user and password in SIP and provisioning URLs; ";" starts a parameter in SIP URIs and
 * a comment in some configuration files; "@" separates the user from the host in SIP URIs; "#" starts
 * a comment in configuration files and a fragment in URLs; "%" starts an escape sequence in URLs;
 * "&", "<" and ">" must be escaped in XML provisioning files; '"' and "'" end a quoted value in
 * configuration files, SIP headers and shells; "\\" is an escape character in configuration files; a
 * space splits values in configuration files, and phones may trim it.
 *
 * A provisioning URL that carries the password (https://user:password@host/…, RFC 3986 §3.2.1) ends
 * its authority, and the password with it, at the first "/", "?" or "#" (RFC 3986 §3.2, and the parser
 * of its Appendix B); "[" and "]" enclose an IPv6 host there (§3.2.2). WHATWG URL (browsers, Node)
 * throws on "/", "?" and "#" in the password; Python's urlsplit cuts it at them and raises "Invalid
 * IPv6 URL" on "[" or "]". Those and ":" and "@" are RFC 3986's gen-delims (§2.2), and RFC 3261
 * §25.1's `password` production allows none of them: all seven are refused. The other characters RFC
 * 3986 leaves out of userinfo ("^", "`", "{", "|", "}") end nothing: URL parsers percent-encode them
 * and the password reads back the same, so they are accepted (RFC 3261 §25.1 has no room for them in
 * a SIP URI either, but §19.1.1 advises against putting any password in one).
 */
const REASONS: Record<string, string> = {
  ':': 'colon',
  ';': 'semicolon',
  '@': 'at',
  '#': 'hash',
  '/': 'slash',
  '?': 'question',
  '[': 'openBracket',
  ']': 'closeBracket',
  '%': 'percent',
  '&': 'ampersand',
  '"': 'quote',
  "'": 'apostrophe',
  '\\': 'backslash',
  '<': 'lessThan',
  '>': 'greaterThan',
  ' ': 'space',
};

/** The characters warned about, in the order of REASONS (":", ";", "@", "#", "/", …, space): see REASONS for why. */
export const WARNED_CHARACTERS = Object.keys(REASONS);

/**
 * The characters the SIP password field's hint names (reset.hint's `chars`), as they are typed, one
 * space apart: all of WARNED_CHARACTERS but the space itself.
 */
export const SIP_REFUSED_SHOWN = WARNED_CHARACTERS.filter((c) => c !== ' ').join(' ');

/** Splits text into user-perceived characters (Unicode extended grapheme clusters, UAX #29). */
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The code points of `s` as "U+0065 U+0301". */
const codePoints = (s: string) =>
  Array.from(s, (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');

/**
 * One Note (lib/i18n/note.ts) per distinct character of `password` that some phone or provisioning
 * format does not take (WARNED_CHARACTERS, control characters, anything outside printable ASCII),
 * naming it; white space at either end (String.prototype.trim's, ECMA-262 WhiteSpace and
 * LineTerminator) is one note of its own, `edges`, before them. Empty when every phone takes it.
 *
 * A character is what the person sees: a Unicode extended grapheme cluster (UAX #29), so an "é"
 * typed or pasted decomposed ("e" + U+0301 COMBINING ACUTE ACCENT, as macOS file names and some
 * keyboards and IMEs give it) or an "ñ" as "n" + U+0303 is named "é" / "ñ" with each of its code
 * points ("U+0065 U+0301"), never as an invisible character: the person sees no such thing. The
 * digest (RFC 3261 §22.4, RFC 7616 §3.4.2) is computed over bytes, and NFC and NFD "é" are different
 * bytes, which is why either is refused. `nonAscii` names the character in NFC (as it is shown).
 */
export function sipCharacterProblems(password: string): Note[] {
  const problems: Note[] = [];
  // White space before or after the password (a space, a tab, a line break, a no-break space) is what
  // a password manager's or a copy's paste adds without the person seeing it: said as such, first.
  // What remains is named character by character, spaces inside the password too.
  const inner = password.trim();
  if (inner !== password) problems.push({ key: 'password.sipChar.edges' });
  const seen = new Set<string>();
  for (const { segment: c } of graphemes.segment(inner)) {
    if (seen.has(c)) continue;
    seen.add(c);
    if (REASONS[c]) problems.push({ key: `password.sipChar.${REASONS[c]}`, values: { char: c } });
    else if (/[^\x21-\x7e]/.test(c)) {
      problems.push(
        /[\p{L}\p{N}\p{P}\p{S}]/u.test(c)
          ? { key: 'password.sipChar.nonAscii', values: { char: c.normalize('NFC'), code: codePoints(c) } }
          : { key: 'password.sipChar.invisible', values: { code: codePoints(c) } },
      );
    }
  }
  return problems;
}
