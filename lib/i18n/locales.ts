import Negotiator from 'negotiator';

// The languages Tollgate speaks. Pure and isomorphic: the request config, the mail renderer, the
// header's Language control and the tests read the same list.

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Each language named in itself, so a reader finds theirs whatever the page is in. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español' };

/** BCP 47 tags for Intl formatters: "es" alone formats like Spain; Latin America reads it the same. */
export const INTL_TAGS: Record<Locale, string> = { en: 'en-US', es: 'es' };

/** Cookie that keeps the Language choice of a visitor who is not signed in (and of this browser). */
export const LOCALE_COOKIE = 'tollgate-locale';

export const isLocale = (v: unknown): v is Locale =>
  typeof v === 'string' && (LOCALES as readonly string[]).includes(v);

/**
 * The BCP 47 tag to hand Intl for a page's `locale` (next-intl's `getLocale()`/`useLocale()`, a plain
 * string): INTL_TAGS of it, or of DEFAULT_LOCALE for a string that is not one of LOCALES.
 */
export const intlTag = (locale: string): string => INTL_TAGS[isLocale(locale) ? locale : DEFAULT_LOCALE];

/**
 * The language of LOCALES to write in for a region whose most likely language (ICU) is not in LOCALES
 * but which has one of LOCALES as an official language. Derived from CLDR, not guessed: of the
 * regions in supplemental/territoryInfo.json (npm cldr-core 48.2.0, checked 2026-12-02; Node's ICU 78
 * carries CLDR 48), those whose likely language is neither "es" nor "en" and whose languagePopulation
 * gives "es" an _officialStatus ("official", "de_facto_official") are PY alone: Guaraní (gn, likely) and
 * Spanish are both official in Paraguay (Constitution of 1992, art. 140). Andorra is not among them
 * (Catalan is its only official language, though CLDR has 43% speaking Spanish), nor are the regions
 * that speak Spanish widely without it being official (PH, FR…). Those whose official languages include
 * English (IN, PH, KE, HK…) are not listed: they get DEFAULT_LOCALE, English, anyway.
 */
const OFFICIAL_LOCALE: Readonly<Record<string, Locale>> = { PY: 'es' };

/**
 * The catalogue's language of a country (`country`: ISO 3166-1 alpha-2, as CustomerAccount.country,
 * in either case): the country's most likely language by ICU's likely-subtags data (CLDR: `und-MX` →
 * `es`, `und-GB` → `en`), when LOCALES has it; else an official language of the country that LOCALES
 * has (OFFICIAL_LOCALE: PY → es, where the likely one is Guaraní); null otherwise (BR → pt) and for
 * a value that is not a region subtag. A well-formed region CLDR has no entry for (XX) maximizes like
 * "und" alone, to English. Isomorphic (Intl.Locale).
 */
export function countryLocale(country: string): Locale | null {
  let likely: Intl.Locale;
  try {
    likely = new Intl.Locale('und', { region: country }).maximize();
  } catch {
    return null; // RangeError: not a region subtag
  }
  if (isLocale(likely.language)) return likely.language;
  return OFFICIAL_LOCALE[likely.region ?? ''] ?? null;
}

/**
 * The language of LOCALES for a reader of the BCP 47 `tag`, whose language LOCALES does not have: that
 * of the tag's region (`ca-ES` → ES), else that of the region where its language is most likely
 * spoken (ICU's likely subtags, CLDR: `ca`, `eu`, `gl`, `ast` → ES; `qu` → PE; `gn` → PY; `ay` → BO;
 * `ca-AD` → AD, none, then ES), by countryLocale. So a browser set to Catalan, Basque or Galician in
 * Spain, or to Quechua in Peru, gets Spanish; one set to Portuguese (BR) or French (FR) gets none.
 * Null for a tag that is no BCP 47 tag (`*`).
 */
function regionalLocale(tag: string): Locale | null {
  let locale: Intl.Locale;
  try {
    locale = new Intl.Locale(tag);
  } catch {
    return null; // RangeError: "*", or not a language tag
  }
  for (const region of [locale.region, new Intl.Locale(locale.language).maximize().region]) {
    const found = region ? countryLocale(region) : null;
    if (found) return found;
  }
  return null;
}

/**
 * The best of LOCALES for an `Accept-Language` header value (RFC 9110 §12.5.4: q-values, and a
 * regional tag such as "es-MX" matches "es"); when it names none of them, the first of its languages,
 * in the reader's order, that regionalLocale reads as one (`ca-ES,ca;q=0.9` → es); else null.
 */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale | null {
  if (!acceptLanguage) return null;
  const negotiator = new Negotiator({ headers: { 'accept-language': acceptLanguage } });
  const best = negotiator.language([...LOCALES]);
  if (isLocale(best)) return best;
  for (const tag of negotiator.languages()) {
    const found = regionalLocale(tag);
    if (found) return found;
  }
  return null;
}

/**
 * Which language a page is in: the signed-in user's saved choice, else this browser's Language cookie,
 * else Accept-Language, else English. `user.locale` counts only when `user.localeChosen` (otherwise it
 * is what the browser last said, kept for mail).
 */
export function resolveLocale(input: {
  user?: { locale: string; localeChosen?: boolean } | null;
  cookie?: string | null;
  acceptLanguage?: string | null;
}): Locale {
  if (input.user?.localeChosen && isLocale(input.user.locale)) return input.user.locale;
  if (isLocale(input.cookie)) return input.cookie;
  return negotiateLocale(input.acceptLanguage) ?? DEFAULT_LOCALE;
}

/**
 * The language to write to a known user in (server messages, mail): User.locale, which is their
 * choice or else the language the portal last showed them (lib/i18n/preference.ts); English if unknown.
 */
export const localeOf = (user: { locale?: string | null } | null | undefined): Locale =>
  isLocale(user?.locale) ? user.locale : DEFAULT_LOCALE;
