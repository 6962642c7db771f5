import Negotiator from 'negotiator';
import { intlOf } from '@/lib/i18n/intl-cache';

// The languages Tollgate speaks. Pure and isomorphic: the request config, the mail renderer, the
// header's Language control and the tests read the same list.

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Each language named in itself, so a reader finds theirs whatever the page is in. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español' };

/**
 * The BCP 47 tag Intl formats with for a reader of each language whose region is not known (formatTag):
 * "es" alone formats like Spain (CLDR's root Spanish: 1234,5 and a 24-hour clock), "en-US" like the
 * United States.
 */
export const INTL_TAGS: Record<Locale, string> = { en: 'en-US', es: 'es' };

/** Cookie that keeps the Language choice of a visitor who is not signed in (and of this browser). */
export const LOCALE_COOKIE = 'tollgate-locale';

export const isLocale = (v: unknown): v is Locale =>
  typeof v === 'string' && (LOCALES as readonly string[]).includes(v);

/** The language subtag of a BCP 47 tag (`es-MX` → "es"), or null for a string that is no tag. */
function languageSubtag(tag: string): string | null {
  try {
    return intlOf(Intl.Locale, tag).language; // parsed once per tag: asked for every name and number a page formats
  } catch {
    return null; // RangeError: not a language tag
  }
}

/**
 * The one of LOCALES a BCP 47 tag's language is (`es-AR`, `ES`, `es` → es; `en-GB` → en), or null
 * for a tag in another language (`fr-CA`) and for a string that is no tag.
 */
export function localeOfTag(tag: string): Locale | null {
  const language = isLocale(tag) ? tag : languageSubtag(tag);
  return isLocale(language) ? language : null;
}

/**
 * The catalogue (one of LOCALES) a page's `locale` is written in: next-intl's `getLocale()` /
 * `useLocale()` is the formatting tag (formatTag: `es-MX`, `en-GB`), whose language names the catalogue.
 * DEFAULT_LOCALE for a string whose language is not one of LOCALES.
 */
export const catalogueLocale = (tag: string): Locale => localeOfTag(tag) ?? DEFAULT_LOCALE;

/**
 * The BCP 47 tag to hand Intl for a page's `locale` (next-intl's `getLocale()`/`useLocale()`, a plain
 * string): a formatting tag of one of LOCALES as it is (`es-MX`, from formatTag), INTL_TAGS of a bare
 * language (`es` → "es", `en` → "en-US"), and INTL_TAGS of DEFAULT_LOCALE for anything else.
 */
export function intlTag(locale: string): string {
  if (isLocale(locale)) return INTL_TAGS[locale];
  return isLocale(languageSubtag(locale)) ? locale : INTL_TAGS[DEFAULT_LOCALE];
}

/** formatTag's answers, by language and region: each is a few Intl constructions, asked on every request. */
const regionalTags = new Map<string, string | null>();

/**
 * `language` written as in `region` (ISO 3166-1 alpha-2 or a UN M.49 area such as 419, any case) when
 * ICU carries that variety's own formats (CLDR: es-MX, es-US, es-419, en-GB, en-ES…), else null (en-MX,
 * es-BR: Intl would fall back to the bare language, which INTL_TAGS already decides).
 */
function regionalTag(language: Locale, region: string): string | null {
  const key = `${language}-${region}`;
  const known = regionalTags.get(key);
  if (known !== undefined) return known;
  let tag: string | null;
  try {
    tag = new Intl.Locale(language, { region }).toString();
    if (new Intl.DateTimeFormat(tag).resolvedOptions().locale !== tag) tag = null;
  } catch {
    return null; // RangeError: not a region subtag (not remembered: a header may send any text)
  }
  regionalTags.set(key, tag);
  return tag;
}

/**
 * The BCP 47 tag dates, times, numbers, lists and country names are formatted with for a reader of
 * `locale` (the catalogue): the language with the first of `regions` (in the caller's order of
 * trust: lib/i18n/request-locale.ts readerFormatTag puts the accounts' country first, then the
 * browser's region, so a page and a mail agree; null and undefined skipped; an area such as 419 after
 * every country) that CLDR has a variety of that
 * language for, so a reader in Mexico sees "2:14 p.m." and "1,234.5" where Spain writes "14:14" and
 * "1234,5"; for English, the first country CLDR has no English of stops the search at CLDR's world
 * English (en-001, day before month); else INTL_TAGS[locale]. Pure and isomorphic.
 */
export function formatTag(locale: Locale, regions: readonly (string | null | undefined)[]): string {
  // A country (ISO 3166-1 alpha-2) says more than an area (UN M.49, three digits: a browser set to
  // "Español (Latinoamérica)" sends es-419): countries first, in their order, then areas. So an
  // Argentine account read in an es-419 browser writes 2.345, as Argentina does, not es-419's 2,345.
  const area = (r: string | null | undefined) => !!r && /^\d{3}$/.test(r);
  for (const region of [...regions.filter((r) => !area(r)), ...regions.filter(area)]) {
    const tag = region ? regionalTag(locale, region) : null;
    if (tag) return tag;
    // English for a country CLDR has no English of (Brazil, Mexico, Argentina, China…): "en" alone is
    // US English ("Dec 7, 2026"), month first as few outside the US write it, so a Brazilian account
    // read in English wrote US dates (tester, 2026-12). CLDR's world English (en-001: "7 Dec 2026")
    // instead, at the first country: a page (the account's country, then the browser's) and a mail
    // (the account's country) must not part on a browser's region (review, 2026-12).
    if (locale === 'en' && region && COUNTRY.test(region)) return WORLD_ENGLISH;
  }
  return INTL_TAGS[locale];
}

/** CLDR's English for the world outside the US (M.49 area 001): day before month. */
const WORLD_ENGLISH = 'en-001';
/** An ISO 3166-1 alpha-2 region, as a language tag writes one (any case). */
const COUNTRY = /^[A-Za-z]{2}$/;

/**
 * How much of an `Accept-Language` value is read: browsers send well under 100 bytes (`es-MX,es;q=0.9,
 * en-US;q=0.8,en;q=0.7` is 35), and 256 characters hold some thirty languages, by q-value the first
 * ones anyway. The rest of a header a client may make 16 KB long is not parsed on every request: a
 * 15.6 KB header of 1 300 languages cost 1.8 + 5.6 ms of CPU per page (negotiateLocale, then
 * browserRegion: each language is an Intl.Locale, and likely subtags for the regional reading).
 */
export const ACCEPT_LANGUAGE_MAX = 256;

/** A Negotiator (RFC 9110 §12.5.4 q-values) over the first ACCEPT_LANGUAGE_MAX characters of `acceptLanguage`. */
const negotiatorOf = (acceptLanguage: string) =>
  new Negotiator({ headers: { 'accept-language': acceptLanguage.slice(0, ACCEPT_LANGUAGE_MAX) } });

/**
 * The region of the reader's first language in an `Accept-Language` value (RFC 9110 §12.5.4, in the
 * reader's order of q-values) that is written in `locale` and names one (`es-MX,es;q=0.9` → "MX" for
 * es; `es,en-GB;q=0.8` → "GB" for en); null when none does.
 */
export function browserRegion(acceptLanguage: string | null | undefined, locale: Locale): string | null {
  if (!acceptLanguage) return null;
  const negotiator = negotiatorOf(acceptLanguage);
  for (const tag of negotiator.languages()) {
    try {
      const l = new Intl.Locale(tag);
      if (l.language === locale && l.region) return l.region;
    } catch {
      // "*", or not a language tag: skipped
    }
  }
  return null;
}

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
 * The language of LOCALES a reader in `country` (ISO 3166-1 alpha-2, either case) is written to before
 * any browser has said: countryLocale, else what a browser set to the country's most likely language
 * gets (regionalLocale, as negotiateLocale reads `ca-AD`): Andorra's Catalan is spoken in Spain, so
 * AD → es. Null where neither is (BR: Portuguese, spoken in Brazil) and for a value that is no region.
 */
export function countryReaderLocale(country: string): Locale | null {
  const direct = countryLocale(country);
  if (direct) return direct;
  try {
    return regionalLocale(new Intl.Locale('und', { region: country }).maximize().language);
  } catch {
    return null; // RangeError: not a region subtag
  }
}

/**
 * The best of LOCALES for an `Accept-Language` header value (RFC 9110 §12.5.4: q-values, and a
 * regional tag such as "es-MX" matches "es"); when it names none of them, the first of its languages,
 * in the reader's order, that regionalLocale reads as one (`ca-ES,ca;q=0.9` → es); else null.
 */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale | null {
  if (!acceptLanguage) return null;
  const negotiator = negotiatorOf(acceptLanguage);
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
