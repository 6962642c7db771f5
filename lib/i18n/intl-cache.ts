// One Intl object per (kind, locale, options), made once per process and shared by every request.
// Making one (a DisplayNames, a Collator, a ListFormat for en-US or es-MX) cost 7–23 µs in a warm loop
// on this machine, using one 0.1–4 µs (node -e, 300 calls each, 2026-12-02); a page that names a
// country per trigger call made one per name. Intl objects are immutable once made, so sharing them
// between requests is safe (formatjs's createIntlCache and next-intl's per-request cache rest on the
// same fact).

// `options` required in the type: DisplayNames needs them, and a constructor whose options are optional fits too.
type IntlKind<T, O> = new (locale: string, options: O) => T;

// Keys are few (the portal's languages times their CLDR regions, times a handful of option sets and
// the zones readers are in), but a locale can come from a request header: bounded, starting again
// past the cap. An Intl.DateTimeFormat holds about 34 KB of ICU memory outside the JS heap (1254 of
// them: 42 MB of RSS), so 512 of them are at most about 17 MB.
const INTL_MAX = 512;
const made = new Map<string, unknown>();

/**
 * The shared `new Kind(locale, options)`: `intlOf(Intl.Collator, 'es-MX')`,
 * `intlOf(Intl.DisplayNames, 'en-US', { type: 'region' })`, `intlOf(Intl.Locale, 'es-MX')` (a parsed tag). `locale` is one BCP 47 tag; `options` a
 * plain object of Intl options (its JSON is the key, so the same options in another key order make a
 * second object, nothing worse). Throws what the constructor throws (RangeError for a malformed tag or
 * an unknown option value), and remembers nothing then.
 */
export function intlOf<T, O extends object>(Kind: IntlKind<T, O>, locale: string, options?: NoInfer<O>): T {
  const key = `${Kind.name}\u0000${locale}\u0000${options ? JSON.stringify(options) : ''}`;
  let made1 = made.get(key) as T | undefined;
  if (made1 === undefined) {
    made1 = new Kind(locale, options as O);
    if (made.size >= INTL_MAX) made.clear();
    made.set(key, made1);
  }
  return made1;
}
