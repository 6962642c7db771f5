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
 * to whoever reads the page.
 *
 * How it reads: the text is taken in segments between "<", ">" and line breaks (a URI's ends in a
 * header: `<sip:a:p@h>;expires=60, <sip:b@h>` is read URI by URI). In a segment, the first scheme
 * (`sip:` or `sips:`, any case, `%3A` for the colon too, and wherever it starts: `%3Csip:…`, `x_sip:…`)
 * whose user part (up to the first ":") ends before any "@" has a password, from that ":" to the LAST
 * "@" of the segment: an unescaped "@" in the password (`sip:desk:p@ss@h`) must not show its tail, and
 * RFC 3261's password may hold "," "&" "=" "+" "$" and escapes. `%3A` counts as ":" and `%40` as "@"
 * (`sip%3Adesk%3As3cret%40h`). Where that reads past a password (a list without brackets, a parameter
 * with an "@"), more is hidden than a password: never less. The user part and the host, port and
 * parameters after the "@" are kept. One pass over the text, whatever it holds (a switch passes an
 * attacker's From on: `'sip:a:'.repeat(…)` must not cost more than its length). Pure.
 * Hand-written, as sipUser above: no library here parses SIP URIs (jssip's parser is a browser SIP
 * stack's).
 */
export function hideUriPasswords(text: string): { text: string; hidden: boolean } {
  let out = '';
  let hidden = false;
  let from = 0; // the start of what is not yet copied to `out`
  for (const [start, end] of segments(text)) {
    const seg = scan(text, start, end);
    if (!seg) continue;
    out += `${text.slice(from, seg.passwordFrom)}${HIDDEN_URI_PASSWORD}`;
    from = seg.passwordTo;
    hidden = true;
  }
  return hidden ? { text: out + text.slice(from), hidden } : { text, hidden };
}

/** The [start, end) of each run of `text` between "<", ">", CR and LF. */
function* segments(text: string): Generator<[number, number]> {
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (i === text.length || c === '<' || c === '>' || c === '\r' || c === '\n') {
      if (i > start) yield [start, i];
      start = i + 1;
    }
  }
}

/** Up to five digits then ";" or "?": a port followed by URI parameters or headers. */
const PORT_THEN_PARAMETERS = /^\d{1,5}[;?]/;

/** The length of a ":" (1) or "%3A" (3) at `i` of `text`, else 0. */
const colonAt = (text: string, i: number) =>
  text[i] === ':'
    ? 1
    : text[i] === '%' && text[i + 1] === '3' && (text[i + 2] === 'A' || text[i + 2] === 'a')
      ? 3
      : 0;
/** The length of an "@" (1) or "%40" (3) at `i` of `text`, else 0. */
const atSignAt = (text: string, i: number) =>
  text[i] === '@' ? 1 : text[i] === '%' && text[i + 1] === '4' && text[i + 2] === '0' ? 3 : 0;

/**
 * In `text[start, end)`: where the password of its first SIP URI with one runs (`passwordFrom` after
 * the user part's ":", `passwordTo` at the segment's last "@"), or null. Each character is looked at a
 * bounded number of times: the last "@" is found once, and the schemes are tried left to right, each
 * user part read only up to the next scheme's start.
 */
function scan(text: string, start: number, end: number): { passwordFrom: number; passwordTo: number } | null {
  let lastAt = -1;
  for (let i = end - 1; i >= start; i--)
    if (atSignAt(text, i)) {
      lastAt = i;
      break;
    }
  if (lastAt < 0) return null;
  const lower = text.slice(start, lastAt).toLowerCase();
  let i = 0;
  while (i < lower.length) {
    const s = lower.indexOf('sip', i);
    if (s < 0) return null;
    let j = s + 3;
    if (lower[j] === 's') j++;
    const scheme = colonAt(lower, j);
    if (!scheme) {
      i = s + 3;
      continue;
    }
    // The user part: up to its ":" (a password follows), an "@" (no password), or the next scheme.
    let k = j + scheme;
    for (; k < lower.length; k++) {
      if (atSignAt(lower, k)) break;
      const colon = colonAt(lower, k);
      // A host's port and its parameters (`sip:[2001:db8::1]:5060;x=a@b`, `sip:pbx.example:5060;o=a@b`)
      // are no user and password: an IPv6 host starts with "[", and a port is digits before ";" or
      // "?", which RFC 3261's password characters do not include.
      if (
        colon &&
        lower[j + scheme] !== '[' &&
        !PORT_THEN_PARAMETERS.test(lower.slice(k + colon, k + colon + 7))
      )
        return { passwordFrom: start + k + colon, passwordTo: lastAt };
      if (colon) break;
      if (lower.startsWith('sip', k)) break;
    }
    i = k;
  }
  return null;
}
