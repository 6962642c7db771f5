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
 * Every password in a URI's userinfo in `text` (RFC 3986 §3.2.1, RFC 3261 §19.1.1 `user:password@host`)
 * replaced by HIDDEN_URI_PASSWORD (`sip:desk:s3cret@198.51.100.20:5060;transport=tcp` →
 * `sip:desk:••••@198.51.100.20:5060;transport=tcp`), and whether one was. RFC 3261 still parses it and
 * says it "is NOT RECOMMENDED, because the passing of authentication information in clear text … has
 * proven to be a security risk in almost every case where it has been used": a phone or PBX set up
 * with its SIP password in its own address (a Contact, a From), or a provisioning URL in its user
 * agent, hands it to the registrar, which keeps it as written, and a portal that shows what the switch
 * holds would show it to whoever reads the page.
 *
 * How it reads: percent-escapes are undone first, up to three times, in each run of text that holds
 * one (`sip%3Adesk%3As3cret%40h`, and `%253A` escaped twice), and that run is kept undone where it
 * hid a password. Then the text is taken in segments between "<", ">" and line breaks (a URI's ends
 * in a header: `<sip:a:p@h>;expires=60, <sip:b@h>` is read URI by URI). In a segment, a user part
 * starts after a scheme (`sip:`, `sips:`, `tel:`, or any `scheme://`, wherever it starts: `x_sip:…`)
 * or at the start of a word (`desk:pw@host`, `admin:pw@pbx` with no scheme); the first one whose user
 * part ends in ":" before any "@" has a password, from there to the LAST "@" of the segment: an
 * unescaped "@" in it (`sip:desk:p@ss@h`) must not show its tail, and RFC 3261's password may hold ","
 * "&" "=" "+" "$". After a scheme the password may even hold spaces (a malformed one is still one);
 * after a bare word it may not, so that free text in a user agent ("(build: 2024) sales@vendor") is
 * no password. A host's port and parameters are no user and password (an IPv6 host starts with "[", a
 * port is digits before ";" or "?"). Where the rule reads past a password, more is hidden, never
 * less. The user part and the host after the "@" are kept. Linear in the text's length: a switch
 * passes an attacker's From on (`'sip:a:'.repeat(…)` must not cost more than its length). Pure.
 * Hand-written, as sipUser above: no library here parses SIP URIs (jssip's parser is a browser SIP
 * stack's).
 */
export function hideUriPasswords(text: string): { text: string; hidden: boolean } {
  const unescaped = text.includes('%')
    ? text.replace(RUN, (run) => {
        if (!run.includes('%')) return run;
        const plain = unescapeRepeatedly(run);
        return plain !== run && hideUnescaped(plain).hidden ? plain : run;
      })
    : text;
  const shown = hideUnescaped(unescaped);
  return shown.hidden ? shown : { text, hidden: false };
}

/**
 * A run of text without white space, "<", ">" or quotes: each match is a maximal run, so the search
 * is linear (a pattern that looked for a "%" inside it backtracked over every run without one).
 */
const RUN = /[^\s<>"']+/g;

/** `run` with its percent-escapes undone, up to three times (`%253A` → `%3A` → `:`); as it is if malformed. */
function unescapeRepeatedly(run: string): string {
  let out = run;
  for (let i = 0; i < 3 && /%[0-9A-Fa-f]{2}/.test(out); i++) {
    try {
      out = decodeURIComponent(out);
    } catch {
      break;
    }
  }
  return out;
}

/** hideUriPasswords on text whose escapes are undone: segment by segment. */
function hideUnescaped(text: string): { text: string; hidden: boolean } {
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
/** A scheme a user part follows: `sip:`, `sips:`, `tel:` (any case), or any `scheme://`. */
const SCHEME = /(?:sips?|tel):|[a-z][a-z0-9+.-]{0,15}:\/\//iy;
const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/** The length of the scheme starting at `i` of `text` (SCHEME), else 0. */
function schemeAt(text: string, i: number): number {
  SCHEME.lastIndex = i;
  const m = SCHEME.exec(text);
  return m ? m[0].length : 0;
}

/**
 * In `text[start, end)`: where the password of its first user part with one runs (`passwordFrom`
 * after the user's ":", `passwordTo` at the segment's last "@"), or null. The candidates (after a
 * scheme, at the start of a word) are tried left to right, each user part read only up to the next
 * candidate, so each character is looked at a bounded number of times.
 */
function scan(text: string, start: number, end: number): { passwordFrom: number; passwordTo: number } | null {
  const lastAt = text.lastIndexOf('@', end - 1);
  if (lastAt < start) return null;
  let i = start;
  while (i < lastAt) {
    const scheme = schemeAt(text, i);
    const user = i + scheme;
    let k = user;
    for (; k < lastAt; k++) {
      const c = text[k]!;
      // After a scheme a malformed user part may hold a space (`sip:front desk:pw@h`); a word may not.
      if (c === '@' || (isSpace(c) && scheme === 0)) break;
      if (k > user && schemeAt(text, k)) break; // another scheme starts inside: the next candidate
      if (c !== ':') continue;
      const password = text.slice(k + 1, lastAt);
      const ok =
        text[user] !== '[' &&
        !PORT_THEN_PARAMETERS.test(password.slice(0, 7)) &&
        (scheme > 0 || (k > user && !/\s/.test(password)));
      if (ok) return { passwordFrom: k + 1, passwordTo: lastAt };
      break;
    }
    // The next candidate: the start of the next word, or the next scheme.
    let j = k === i ? k + 1 : k;
    for (; j < lastAt; j++) {
      if (isSpace(text[j])) {
        j++;
        break;
      }
      if (schemeAt(text, j)) break;
    }
    i = j;
  }
  return null;
}
