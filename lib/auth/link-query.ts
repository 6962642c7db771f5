// Reading a sign-in link's query as mail systems and copy-paste leave it (pure; tests/unit/link-query.test.ts).
import { safeCallbackUrl } from '@/lib/auth/callback-url';

/**
 * Every token Tollgate mails is 64 lowercase hex characters: lib/mail/link-token.ts messageLinkToken
 * (HMAC-SHA256) and Auth.js's own `randomString(32)` for "Email me a sign-in link".
 */
const WHOLE_TOKEN = /^[0-9a-f]{64}$/;
/** What is left of a token cut short: fewer than 64 hex digits, none at all included. */
const CUT_TOKEN = /^[0-9a-f]{0,63}$/;
/**
 * An HTML href copied without decoding `&amp;` makes the next parameter `amp;callbackUrl` (twice
 * escaped: `amp;amp;callbackUrl`).
 */
const AMP_ENTITY = /^(?:amp;)+/i;
/**
 * Left inside a value by a quoted-printable body read undecoded or half decoded: the soft line break's
 * `=` (RFC 2045 §6.7; the browser drops the line break itself) and whitespace where two lines were
 * joined. Neither is ever part of a token.
 */
const BREAK_REMNANTS = /[\s=]/g;
/** Stuck to the link's end by a client's auto-link or the sentence around it: "…cm1abc).", "<…>". */
const TRAILING_PUNCTUATION = /[.,;:!?)\]>"']+$/;
/** `=` written `=3D` in a quoted-printable body read undecoded: "token=3D<hex>", "callbackUrl=3D/blocks/…". */
const QP_EQUALS_TOKEN = /^3d(?=[0-9a-f]{64}$)/;
const QP_EQUALS_PATH = /^3d(?=\/)/i;

/** A link page's query as Next hands it to the page (`searchParams`): repeated names give an array. */
export type LinkSearchParams = Record<string, string | string[] | undefined>;

/**
 * What a sign-in link's query says. `token`: the link's token, 64 lowercase hex characters, or null
 * when the query holds no whole one. `cut` (only with no token): fewer than 64 hex digits are left,
 * none included, so the link was cut short: most often a mail program or a forward wrapped a long
 * line of the text part (RFC 5322 §2.1.1 asks for lines of at most 78 characters; a link is APP_URL
 * plus at least 84) and the person opened only its first line. The page then says the link is
 * incomplete, not "used or expired", which would send them to ask for a new one cut the same way.
 * False for any other unreadable token, which is told as used or invalid (not "split over two lines").
 * `callbackUrl`: where the link sends the browser, a same-origin path (safeCallbackUrl; `/` when
 * missing or refused).
 */
export type LinkQuery = { token: string | null; cut: boolean; callbackUrl: string };

const nameOf = (key: string) => key.replace(AMP_ENTITY, '');

/** A token value without what mail systems add around it; lower case (it is hex). Not checked here. */
function cleanToken(value: string): string {
  const v = value.replace(BREAK_REMNANTS, '').replace(TRAILING_PUNCTUATION, '').toLowerCase();
  return v.replace(QP_EQUALS_TOKEN, '');
}

/** A destination without quoted-printable and copy-paste remnants; safeCallbackUrl checks the rest. */
function cleanCallback(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().replace(QP_EQUALS_PATH, '');
  // A bare path never holds whitespace or `=` (a query's value may: it is left as it is).
  return /[?#]/.test(v) ? v : v.replace(BREAK_REMNANTS, '');
}

/**
 * Reads the token and the destination of a sign-in link's query (`/sign-in/link?token=…&callbackUrl=…`,
 * lib/mail/link-token.ts continueLink) as the browser delivers it after a mail system, a link
 * rewriter or a person's copy-paste changed it, when the 64 hex digits and the destination are still
 * there whole: the token in upper or mixed case; `&amp;` left in an href (`amp;token`,
 * `amp;callbackUrl`); the `&` encoded as `%26` (the rest of the query then sits in the token's value:
 * it is split there); punctuation an auto-link stuck to the end (`.`, `,`, `)`, `>`, `]`, …);
 * whitespace, a soft line break's `=` or an undecoded `=3D`. Nothing else is guessed: a token that is
 * not exactly 64 hex digits once those are removed is no token, and never matched by its prefix.
 * Several different tokens in one query are no token (not cut). The destination is checked by
 * safeCallbackUrl as every sign-in's is: only a path of this origin. Returns LinkQuery.
 */
export function readLinkQuery(query: LinkSearchParams): LinkQuery {
  const tokens = new Set<string>();
  const callbacks: string[] = [];
  const inToken: string[] = [];
  for (const [key, raw] of Object.entries(query)) {
    const name = nameOf(key);
    for (const value of raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) {
      if (name === 'callbackUrl') callbacks.push(value);
      if (name !== 'token') continue;
      const amp = value.indexOf('&');
      tokens.add(cleanToken(amp < 0 ? value : value.slice(0, amp)));
      if (amp < 0) continue;
      for (const [k, v] of new URLSearchParams(value.slice(amp + 1)))
        if (nameOf(k) === 'callbackUrl') inToken.push(v);
    }
  }
  const callbackUrl = safeCallbackUrl(cleanCallback([...callbacks, ...inToken][0]));
  const [only] = tokens;
  if (tokens.size === 1 && WHOLE_TOKEN.test(only)) return { token: only, cut: false, callbackUrl };
  const cut = tokens.size === 0 || (tokens.size === 1 && CUT_TOKEN.test(only));
  return { token: null, cut, callbackUrl };
}
