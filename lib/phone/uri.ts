// The telephone number a switch writes as a URI, as the text lib/phone/format.ts readDialled reads.
// Pure; no server-only.
//
// A SIP URI carries a number in its user part (RFC 3261 §19.1.1, `user=phone`), escaped characters
// allowed (§19.1.2: `%2B` is "+"), with the parameters of a tel URI after it (RFC 3966: `;npdi`,
// `;rn=…`, `;isub=…`, `;ext=…`). A local number (no "+") belongs to the context its `phone-context`
// names (RFC 3966 §5.1.5): a global number prefix (`tel:555-0123;phone-context=+1-201` is
// +1 201 555 0123) says which country, and reading it in the account's country instead would name
// the wrong one; a domain (`phone-context=example.com`) names none, so the number is read as the
// account's own. Hand-written, though libphonenumber-js has the same rule: its check of the context
// (extractPhoneContext.js isPhoneContextValid, 1.13.16) tests a RegExp made with the `g` flag, whose
// `lastIndex` carries over from one call to the next, so it refused every other valid context (the
// same URI read, then not).

/** `<sip:…>` with or without a display name and header parameters (`"Front" <sip:…>;tag=1`). */
const NAME_ADDR = /^[^<]*<([^<>]*)>/;
const URI = /^(sips?|tel):(.*)$/i;
/** RFC 3966 global-number-digits: "+", then digits and visual separators, at least one digit. */
const GLOBAL_NUMBER_DIGITS = /^\+[\d().-]*\d[\d().-]*$/;

/**
 * The user part of a `sip:` or `sips:` URI (RFC 3261 §19.1.1), with or without a display name and
 * header parameters around it (`"Front" <sip:front@host>;tag=1`): the text before "@", without a
 * password (`user:password@host`), escapes decoded (§19.1.2: `%2B` is "+"); its telephone-subscriber
 * parameters (`;npdi`, `;phone-context=…`) are kept for the caller. `""` when the URI has no user part
 * or a malformed escape; null when `raw` is not a SIP URI. Used for numbers (uriNumber) and for SIP
 * usernames (lib/blocks/trigger-calls.ts).
 */
export function sipUser(raw: string): string | null {
  const text = raw.trim();
  const uri = URI.exec(NAME_ADDR.exec(text)?.[1]?.trim() ?? text);
  if (!uri || uri[1]!.toLowerCase() === 'tel') return null;
  const at = uri[2]!.indexOf('@');
  if (at < 0) return '';
  try {
    return decodeURIComponent(uri[2]!.slice(0, at).split(':')[0]!);
  } catch {
    return '';
  }
}

/**
 * The number a `tel:`, `sip:` or `sips:` URI carries, as text for readDialled: the user part of a SIP
 * URI (escapes decoded, no password, no host), without the tel parameters; for a local number whose
 * `phone-context` is a global number prefix, the prefix's digits before it (`+12015550123`), or `""`
 * when the context is malformed (`+`). A URI inside angle brackets (a To header: `"Front"
 * <sip:+252…@host>;tag=1`) counts. Null when `raw` is not such a URI (the caller reads it as it is).
 */
export function uriNumber(raw: string): string | null {
  const text = raw.trim();
  const uri = URI.exec(NAME_ADDR.exec(text)?.[1]?.trim() ?? text);
  if (!uri) return null;
  const subscriber = uri[1]!.toLowerCase() === 'tel' ? uri[2]! : sipUser(text)!;
  const [number = '', ...params] = subscriber.split(';');
  const context = params.find((p) => /^phone-context=/i.test(p))?.slice('phone-context='.length) ?? '';
  if (number.trim().startsWith('+') || !context.startsWith('+')) return number;
  return GLOBAL_NUMBER_DIGITS.test(context) ? `+${context.replace(/\D/g, '')}${number}` : '';
}

/**
 * What a SIP URI's password is shown as (hideUriPasswords): the password itself never reaches a page,
 * a mail, a log or the database.
 */
export const HIDDEN_URI_PASSWORD = '••••';

/**
 * Every `sip:`/`sips:` URI in `text` with its password, if it has one, replaced by HIDDEN_URI_PASSWORD
 * (`sip:desk:s3cret@198.51.100.20:5060;transport=tcp` → `sip:desk:••••@198.51.100.20:5060;transport=tcp`),
 * and whether one was. RFC 3261 §19.1.1 still parses `user:password@host` and says it "is NOT
 * RECOMMENDED, because the passing of authentication information in clear text … has proven to be a
 * security risk in almost every case where it has been used": a phone or PBX set up with its SIP
 * password in its own address (a Contact, a From) hands it to the registrar, which keeps the contact as
 * written, and to every hop on the way, and a portal that shows what the switch holds would show it
 * to whoever reads the page. The user part is kept (a telephone-subscriber's `;` parameters too); the
 * host, port and parameters after "@" are untouched. Text without such a URI comes back as it is. Pure.
 * Hand-written, as sipUser above: no library here parses SIP URIs (jssip's parser is a browser SIP
 * stack's).
 */
export function hideUriPasswords(text: string): { text: string; hidden: boolean } {
  let hidden = false;
  // Scheme, then a user part without ":" or "@", then ":" and the password up to the last "@" before
  // a line break, "<" or ">" (a URI's end in a Contact: `<sip:a:p@h>;expires=60, <sip:b@h>` is read
  // URI by URI). The last, not the first: a phone that sends an unescaped "@" in its password
  // (`sip:desk:p@ss@h`) must not show its tail. RFC 3261's password may hold "," "&" "=" "+" "$" and
  // escapes, and a malformed one a space, so none of those ends it. Where that reads past a password
  // (a list without brackets, a parameter with an "@"), more is hidden than a password: never less.
  const out = text.replace(
    /\b(sips?:)([^:@<>\r\n]*):([^<>\r\n]*)@/gi,
    (_all, scheme: string, user: string) => {
      hidden = true;
      return `${scheme}${user}:${HIDDEN_URI_PASSWORD}@`;
    },
  );
  return { text: out, hidden };
}
