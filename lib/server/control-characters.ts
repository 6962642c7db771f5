// Text that arrives from outside (a form field, a URL parameter, a cursor) with a control character
// in it. PostgreSQL refuses NUL in any text value ("invalid byte sequence for encoding UTF8: 0x00"),
// so such input must be refused or cleaned before it reaches a query, on both databases alike.
//
// Invisible formatting characters (decided 2026-12-01, review 11 and its second round): the Unicode
// bidi controls make what follows them *display* reordered (U+202E RIGHT-TO-LEFT OVERRIDE turns
// `…"} "approved":"status"{` into text that reads `{"status":"approved"}` in the audit table), and the
// invisible ones make two texts that look the same differ. They are not refused in form text: people
// paste them (a number copied from iOS Contacts comes wrapped in U+202D…U+202C, Hebrew and Arabic text
// carries RLM/ALM, Word adds soft hyphens), and a refusal of a character nobody can see cannot be acted
// on. They are shown escaped where staff read customers' words (revealInvisible), and dropped from
// search input and the staff console's URL filters (withoutControlCharacters: since 2026-12-05 a
// filter is cleaned as the search box is, not refused, and one still unreadable is said so).
//
// Text the switch wrote (decided 2026-12-06): a trigger call's `to`, `from` or `sourceIp` that
// Tollgate could not read is stored as the switch sent it, invisible formatting included (the
// switch's record; lib/blocks/trigger-calls.ts asReceived), and that text is chosen by whoever placed
// the calls: a fraudster dialling `sip:fraud\u202E7654321110+@evil.example` had the block page and
// the block notice show the customer the rest of it reversed (`sip:fraudelpmaxe.live@+0111234567`,
// a security tester's event). So wherever such text is shown, to customers (the block page, its
// calls page, the block notice's HTML and text) as to staff, it goes through revealInvisible:
// escaped, not dropped, because a value no reader could read is evidence of what the switch saw, and
// the escape tells the truth about it. Its control characters (C0, DEL, C1: a NUL, a BEL, an ESC, a
// line break) are replaced by U+FFFD where it is read (replaceControlCharacters), for the same reason.
//
// Lone UTF-16 surrogates in JSON from outside (decided 2026-12-06, a tester's `"from":"\ud800"`):
// JSON may write any code unit as an escape, so a signed event or a switch API answer can hold a half
// of a surrogate pair that no UTF-8 text can. Neither database keeps one: SQLite stored the bytes
// ED A0 80 (not UTF-8; read back as three U+FFFD, so the block page said "through ��� from …"),
// PostgreSQL's driver sends U+FFFD in its place without a word; either way the two databases showed
// different text, and a value the switch sent told nothing of what it was. So JSON from outside is
// parsed with parseReceivedJson, which writes each lone surrogate out as its escape, once, where the
// text is read: escaped, not dropped, for the same reason as above.

/** C0 control characters and DEL, except tab, line feed and carriage return (text areas hold those). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

/**
 * Invisible formatting: the bidi controls (U+061C ALM, U+200E/F LRM/RLM, U+202A–202E embeddings and
 * overrides, U+2066–2069 isolates), soft hyphen U+00AD, Mongolian vowel separator U+180E, zero-width
 * space U+200B, word joiner and invisible operators U+2060–2064, the deprecated format controls
 * U+206A–206F, BOM / zero-width no-break space U+FEFF and the interlinear annotation controls U+FFF9–FFFB.
 */
const INVISIBLE =
  /[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');

/** True when `value` is, or (in arrays and plain objects, at any depth) holds, a string that `test` matches. */
function holds(value: unknown, test: RegExp): boolean {
  if (typeof value === 'string') return test.test(value);
  if (Array.isArray(value)) return value.some((v) => holds(v, test));
  if (value !== null && typeof value === 'object') return Object.values(value).some((v) => holds(v, test));
  return false;
}

/** True when `value` is, or (in arrays and plain objects, at any depth) holds, a string with a control character. */
export function hasControlCharacter(value: unknown): boolean {
  return holds(value, CONTROL);
}

/**
 * `text` with each control character replaced by a space and each invisible formatting character
 * removed: for search boxes, where dropping it is the expected answer (a pasted "Den\u00ADtal" is "Dental").
 */
export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL_ALL, ' ').replace(INVISIBLE_ALL, '');
}

/** Every control character: C0 (tab, line feed and carriage return included), DEL and C1. */
const EVERY_CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * `text` with each control character, C0 (U+0000–001F: tab, line feed and carriage return included),
 * DEL (U+007F) and C1 (U+0080–009F), replaced by U+FFFD REPLACEMENT CHARACTER, one for one; every
 * other character as it was (invisible formatting too: revealInvisible writes it out where it is
 * shown; a lone surrogate too: escapeLoneSurrogates). For text the switch wrote that Tollgate keeps
 * or shows as the switch's record (a trigger call's unread field, lib/blocks/trigger-calls.ts
 * asReceived; a registration's contact or user agent, lib/devices/registrations.ts
 * readableSwitchText): PostgreSQL refuses NUL, and BEL, ESC or a line break chosen by whoever placed
 * the calls or registered the device must reach neither a page's DOM nor a mail. U+FFFD, not dropped
 * or a space, so the reader sees that something unreadable was there and two texts the switch sent as
 * different do not read alike. The length stays the same (each is one code unit). Pure.
 * Example: replaceControlCharacters('Evil\u0007UA\r\n') is 'Evil\uFFFDUA\uFFFD\uFFFD'.
 */
export function replaceControlCharacters(text: string): string {
  return text.replace(EVERY_CONTROL_ALL, '\uFFFD');
}

/**
 * `text` cut to at most `max` UTF-16 code units without halving a character outside the BMP (an
 * emoji, a CJK extension ideograph): a high surrogate left at the cut is dropped with its pair. For
 * bounds on stored or echoed text (a form's echo, a browser's name), where the bound is one of size;
 * a lone surrogate would reach the database as U+FFFD and the page as a broken glyph.
 */
export function cutWhole(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * What a person typed into a search box or a URL filter, as it is searched and said back to them:
 * withoutControlCharacters, trimmed, and at most `max` characters counted as code points, so that an
 * emoji or any other character outside the BMP at the cut is kept whole or left out, never halved into
 * a lone surrogate (which the databases receive as U+FFFD, so the search missed what was typed).
 */
export function typedText(raw: string, max: number): string {
  const text = withoutControlCharacters(raw).trim();
  const chars = Array.from(text);
  return chars.length > max ? chars.slice(0, max).join('').trimEnd() : text;
}

/**
 * `text` with each invisible formatting character (INVISIBLE above) written out as `\uXXXX` in lower
 * case hex (`a\u202Eb` → the 8 characters `a\u202eb`); every other character, ZWJ and ZWNJ included,
 * as it was; null for null. What a page or mail shows of text a person or the switch wrote, so none
 * of it can reorder or hide what it shows: customers' words and notes on staff pages, support's
 * words to a customer, and switch-written text on the customer's pages and mail (a trigger call's
 * unread `to`, `from` or `sourceIp`: see "Text the switch wrote" above). For display only: compare,
 * look up and read (numbers, addresses) the text as stored. In JSON text the result is still the
 * same JSON (`\u202e` is its own escape).
 */
export function revealInvisible(text: string): string;
export function revealInvisible(text: string | null): string | null;
export function revealInvisible(text: string | null): string | null {
  return text === null
    ? null
    : text.replace(INVISIBLE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A lone UTF-16 surrogate: a high one (U+D800–DBFF) not followed by a low one, or a low one (U+DC00–DFFF) not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATE_ALL = new RegExp(LONE_SURROGATE.source, 'g');
/** A surrogate in the text itself, or a JSON escape of one (`\ud800`, any case): the only ways JSON text yields one. */
const MAY_HOLD_SURROGATE = /[\ud800-\udfff]|\\u[dD][89a-fA-F]/;

/**
 * `text` with each lone UTF-16 surrogate (see LONE_SURROGATE) written out as the six ASCII characters
 * of its escape, `\u` and four lower-case hex digits (`a\ud800b` → the 8 characters `a\ud800b`, as
 * revealInvisible writes); a surrogate pair (an emoji, `\ud83d\ude00`) and every other character as
 * it was. The result is well-formed UTF-16: it can be encoded as UTF-8, stored in either database and
 * shown as it is stored.
 */
export function escapeLoneSurrogates(text: string): string {
  return LONE_SURROGATE.test(text)
    ? text.replace(LONE_SURROGATE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
    : text;
}

/**
 * JSON.parse of JSON text from outside Tollgate (a signed switch event, a switch API answer), with
 * every lone surrogate in its strings, object keys included, written out by escapeLoneSurrogates:
 * `{"from":"\ud800"}` (a JSON escape of half a pair) parses to `{ from: "\\ud800" }`, the six
 * characters `\ud800`; `"\ud83d\ude00"` (a pair) to the emoji 😀. Throws what JSON.parse throws (a
 * SyntaxError) on text that is not JSON. Once, here, where the text is read, rather than in each
 * field, so that no string of the parsed value can reach a database or a page as broken bytes.
 *
 * Why escaped, and not refused, dropped or replaced by U+FFFD: a value no reader could read is
 * evidence of what the switch saw (a fraudster chose the text of a call's `from`), and a call is never
 * a reason to refuse a block; dropped, or U+FFFD (what PostgreSQL's driver makes of it, silently),
 * two values the switch sent as different would read alike. The fields that decide what an event does
 * (`id`, `type`, `accountNumber`, `reason`, `occurredAt`) admit no backslash, so one holding a lone
 * surrogate is still refused by its schema (400), as before; duplicates are still told by their `id`.
 * Bounds checked after parsing (a schema's `max`, a cut to 100 or 500 characters) count the escaped
 * text, six characters for each lone surrogate. A sender that wrote the literal text `\ud800` (JSON
 * `"\\ud800"`) reads the same; the stored raw body (an event's) tells which.
 */
export function parseReceivedJson(text: string): unknown {
  // The reviver costs a call per value; a text with no surrogate and no escape of one needs none.
  return MAY_HOLD_SURROGATE.test(text) ? JSON.parse(text, wellFormed) : JSON.parse(text);
}

/** JSON.parse reviver of parseReceivedJson: strings and the keys of objects with lone surrogates escaped. */
function wellFormed(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return escapeLoneSurrogates(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  if (!Object.keys(value).some((k) => LONE_SURROGATE.test(k))) return value;
  // Object.fromEntries defines each key as an own property (`__proto__` too, as JSON.parse does).
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeLoneSurrogates(k), v]));
}
