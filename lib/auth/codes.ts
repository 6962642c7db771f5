import { numberText } from '@/lib/phone/digits';

// Second-factor codes as people type them (pure: tests/unit/codes.test.ts).
// Authenticator apps show "492 817"; people copy "492-817", phones paste a no-break space, and some
// keyboards give full-width digits, digits of their own script (Arabic-Indic "٤٩٢", Devanagari
// "४९२"…) or a Unicode minus. All of that is the same code. Input that cannot
// be a code at all (wrong length, letters in a TOTP code) is a form error: it is not a guess, so it is
// neither counted against the user's limit nor audited as a failed second factor.

/** Recovery codes: 16 characters of Crockford's base32 (5 bits each = 80 bits), shown as 4 groups of 4. */
export const RECOVERY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_LENGTH = 16;

export type ReadCode =
  { kind: 'totp'; code: string } | { kind: 'recovery'; code: string } | { kind: 'malformed' };

// White space (\s covers U+00A0, U+2007, U+202F, U+3000…), hyphen and dash characters, the minus sign.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212\uFE58\uFE63\uFF0D._]/g;

/**
 * Reads what was typed into "Authentication code": a 6-digit TOTP code (RFC 6238 with 6 digits), or a
 * recovery code (16 Crockford base32 characters, case-insensitive; O reads as 0, I and L as 1, as
 * Crockford's decoding rules say). Separators anywhere are ignored; NFKC folds full-width forms, and
 * every Unicode decimal digit counts as its ASCII digit (lib/phone/digits.ts: NFKC leaves Arabic-Indic,
 * Devanagari and the other scripts' digits as they are), and format characters (U+200B, the
 * directional marks U+202A…U+202E a code copied from a phone or a password manager may carry) are
 * left out (lib/phone/digits.ts numberText).
 */
export function readCode(raw: string): ReadCode {
  const s = numberText(raw.normalize('NFKC')).replace(SEPARATORS, '');
  if (/^\d{6}$/.test(s)) return { kind: 'totp', code: s };
  const r = s.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  if (r.length === RECOVERY_LENGTH && [...r].every((c) => RECOVERY_ALPHABET.includes(c)))
    return { kind: 'recovery', code: r };
  return { kind: 'malformed' };
}

/** A recovery code for display: `ABCD-EFGH-JKMN-PQRS`. */
export const formatRecoveryCode = (code: string) => code.match(/.{1,4}/g)!.join('-');
