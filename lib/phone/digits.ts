// Digits in any script as ASCII digits, for every reader of a typed number: the phone readers here,
// and second-factor codes (lib/auth/codes.ts). Pure and isomorphic.
//
// People type digits in their own script (an Indian keyboard gives Devanagari "२१", a Bengali one
// "২১"; an IME left in full-width mode "２１"). libphonenumber-js reads only full-width and the two
// Arabic-Indic sets (its parseDigits) and silently drops an extension in any other script. NFKC would
// map the full-width digits but not Devanagari, Bengali or Thai ones. The general rule is Unicode's:
// every character of General_Category Nd (decimal digit) has a numeric value 0–9, and the Unicode
// Character Encoding Stability Policy guarantees that Nd characters are encoded in contiguous runs
// of ten, 0 to 9 in order. So a digit's value is its distance from the start of its run of Nd
// characters, modulo 10 (runs can sit back to back: the mathematical digits U+1D7CE–U+1D7FF are five).

const ND = /\p{Nd}/u;
/** Every Nd character but the ASCII digits, which are already what they should be. */
const ND_NOT_ASCII = /(?![0-9])\p{Nd}/gu;

/** The numeric value (0–9) of a character of General_Category Nd other than an ASCII digit. */
function valueOf(digit: string): number {
  const cp = digit.codePointAt(0)!;
  let start = cp;
  while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/**
 * `text` with every Unicode decimal digit (General_Category Nd: Devanagari "२", Bengali "২", Thai
 * "๒", full-width "２", Arabic-Indic "٢", mathematical "𝟐"…) replaced by its ASCII digit "2"; every
 * other character as it was (superscripts "²" and numerals "Ⅻ" are not Nd, and stay).
 */
export const asciiDigits = (text: string): string => text.replace(ND_NOT_ASCII, (d) => String(valueOf(d)));

/** Every format character (Unicode General_Category Cf). */
const FORMAT = /\p{Cf}/gu;

/**
 * Every space character (Unicode General_Category Z: Zs, Zl, Zp) but U+0020. libphonenumber-js takes
 * only U+0020, U+00A0 and U+3000 as spaces between digits; typography and web pages put U+202F NARROW
 * NO-BREAK SPACE (French and Spanish digit grouping), U+2009 THIN SPACE, U+2007 FIGURE SPACE and the
 * other widths between a number's groups, and "612 345 678" written with one was refused.
 */
const SPACES = /(?! )\p{Z}/gu;

/**
 * `text` as every phone reader reads it (typed: lib/phone/typed.ts readTyped; switch-written:
 * lib/phone/format.ts readDialled): without format characters (Unicode General_Category Cf), digits
 * in any script as ASCII (asciiDigits), every space character (SPACES) as U+0020. A number copied from iOS Contacts comes wrapped in U+202D
 * LEFT-TO-RIGHT OVERRIDE … U+202C POP DIRECTIONAL FORMATTING ("\u202D0057 310 123 4567\u202C" is
 * "0057 310 123 4567"); other apps add LRM/RLM, isolates, a BOM, a soft hyphen, a zero-width joiner.
 * Not lib/server/control-characters.ts withoutControlCharacters, whose list of invisible characters
 * is this one's subset (it keeps ZWJ and ZWNJ, which words and emoji need) and which makes a control
 * character a space: a switch's "+252\u0000611" would read as +252 611, where docs/switch-api.md
 * keeps such text as sent.
 */
export const numberText = (text: string): string =>
  asciiDigits(text.replace(FORMAT, '').replace(SPACES, ' '));
