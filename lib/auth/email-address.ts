import { domainToASCII, domainToUnicode } from 'node:url';
import { z } from 'zod';

// The one email address schema of the project: sign-in, the sign-in link request, Auth.js's
// Credentials check, staff users and the operator CLI. Pure (no server-only): the CLI loads it under tsx.
//
// A login is stored and compared in one form: trimmed, lower-cased, the domain as its ASCII
// (IDNA/punycode "xn--") name, so `ana@clínica-peñasco.es` and `ana@xn--clnica-peasco-xib1e.es` are
// one login, and mail is sent to a plain ASCII address (what every SMTP server accepts). The local
// part is what it was before (zod's z.email(): ASCII); an internationalised local part (SMTPUTF8) is
// still refused.

/** The messages of an email field's refusals: catalogue keys (`outcome.field.*`) or the CLI's words. */
export type EmailMessages = { required?: string; tooLong?: string; invalid?: string };

/** The longest address SMTP carries (RFC 5321 path limit, less the angle brackets). */
export const EMAIL_MAX = 254;

/**
 * `raw` (already trimmed and lower-cased) with its domain in ASCII form; null when the part after the
 * last `@` is not a domain name Node's WHATWG URL (UTS #46) can convert.
 */
export function asciiEmail(raw: string): string | null {
  const at = raw.lastIndexOf('@');
  if (at < 1 || at === raw.length - 1) return null;
  const domain = domainToASCII(raw.slice(at + 1));
  return domain ? `${raw.slice(0, at)}@${domain}` : null;
}

/**
 * zod's own address pattern (z.regexes.email), with one change: the top-level label may also be an
 * IDNA A-label (`xn--p1ai` is .рф, RFC 5890 §2.3.2.1), the form asciiEmail gives an internationalised
 * TLD. zod's pattern wants letters only there, so `ivan@пример.рф`, `.中国` and `.ελ` addresses were
 * refused as invalid (review, session 33). Throws at load if zod's pattern ever changes shape.
 */
const EMAIL_PATTERN = (() => {
  const letters = '[A-Za-z]{2,}$';
  const src = z.regexes.email.source;
  if (!src.endsWith(letters)) throw new Error("zod's email pattern changed: review EMAIL_PATTERN");
  return new RegExp(`${src.slice(0, -letters.length)}(?:[A-Za-z]{2,}|xn--[A-Za-z0-9-]*[A-Za-z0-9])$`);
})();

/**
 * The schema of an email field: a string, trimmed and lower-cased, at most EMAIL_MAX characters as
 * typed and once its domain is in ASCII, valid for z.email(); its output is the stored form
 * (asciiEmail). `messages` word each refusal (zod's defaults otherwise).
 */
export function emailSchema(messages: EmailMessages = {}) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .min(1, messages.required)
    .max(EMAIL_MAX, messages.tooLong)
    .transform((s) => asciiEmail(s) ?? s) // an address that cannot convert is refused by z.email() below
    .pipe(
      z
        .string()
        .max(EMAIL_MAX, messages.tooLong)
        .pipe(z.email({ pattern: EMAIL_PATTERN, error: messages.invalid })),
    );
}

/**
 * A stored address as a person writes it: the domain's ASCII (`xn--`) labels back in Unicode
 * (`ana@xn--clnica-peasco-xib1e.es` → `ana@clínica-peñasco.es`); any other address unchanged.
 */
export function displayEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1 || !email.includes('xn--', at)) return email;
  const domain = domainToUnicode(email.slice(at + 1));
  return domain ? `${email.slice(0, at)}@${domain}` : email;
}

/**
 * What a person typed of an address or of its domain, with a Unicode domain in its stored ASCII
 * form (asciiEmail's), for a search of stored addresses: "ana@clínica-peñasco.es" →
 * "ana@xn--clnica-peasco-xib1e.es", "clínica-peñasco.es" → "xn--clnica-peasco-xib1e.es". Trimmed
 * and lower-cased. Null when it would not change (all ASCII) or is not a domain name after its
 * last "@" (white space in it, no dot, or one UTS #46 refuses), so a company name is left alone.
 */
export function typedAddressAsStored(typed: string): string | null {
  const t = typed.trim().toLowerCase();
  if (!/[^\x00-\x7f]/.test(t) || /\s/.test(t)) return null;
  const at = t.lastIndexOf('@');
  const domain = t.slice(at + 1);
  if (!domain.includes('.')) return null;
  const ascii = domainToASCII(domain);
  return ascii && ascii !== domain ? `${t.slice(0, at + 1)}${ascii}` : null;
}
