// Times as the reader reads them: in their own time zone, with the zone written next to each time as
// its offset from GMT, so the hour repeated at a DST change reads as two different times ("1:30 AM
// GMT-4", "1:30 AM GMT-5"), and a customer and the agent who calls them back read the same words for
// the same moment. A zone named on its own (lists, sentences) is named by place, in the reader's
// language (zoneName), and the catalogue's sentence says that it is a zone. Pure and isomorphic:
// pages (through next-intl's formatter, which supplies the viewer's zone), mail and tests use the
// same options.

import type { DateTimeFormatOptions } from 'next-intl';
import { intlOf } from '@/lib/i18n/intl-cache';
import { catalogueLocale, type Locale } from '@/lib/i18n/locales';

// next-intl 4.14's option type lists only 'short' and 'long' for timeZoneName; its formatter hands
// every option to Intl.DateTimeFormat, which has known 'shortOffset' since ECMA-402 2021 (Node 17+).
const OFFSET = 'shortOffset' as DateTimeFormatOptions['timeZoneName'];

/**
 * Date, time to the minute, and the zone as CLDR's localized GMT offset ("Nov 1, 2026, 1:30 AM GMT-4",
 * "25 nov 2026, 10:14 GMT+1"): the same in every language and region, where `short` gave "ART" to a
 * reader in Argentina and "GMT-3" to one elsewhere, and "CST" names three zones.
 */
export const ZONED = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: OFFSET,
} as const satisfies DateTimeFormatOptions;
/**
 * ZONED with seconds, where calls a few seconds apart must read apart (trigger calls). Format it with
 * formatZoned (or formatWithSeconds), not with Intl or next-intl's formatter directly: in Spanish that
 * brackets the zone ("3:34:47 (GMT+1)" beside ZONED's "3:35 GMT+1"; see formatWithSeconds).
 */
export const ZONED_SECONDS = { ...ZONED, second: '2-digit' } as const satisfies DateTimeFormatOptions;

/**
 * Whether this runtime's `format()` writes CLDR's narrow no-break space (U+202F, before "AM" in
 * English since CLDR 42) as a plain space, as V8 does for web compatibility (Node, Chrome) while its
 * `formatToParts()` keeps U+202F. Asked once.
 */
let plainSpaces: boolean | undefined;
/** `text`, joined from formatToParts, with the spaces the runtime's `format()` writes (plainSpaces). */
function asFormatWrites(text: string): string {
  plainSpaces ??= !new Intl.DateTimeFormat('en-US', { hour: 'numeric', timeZone: 'UTC' })
    .format(0)
    .includes('\u202f');
  return plainSpaces ? text.replace(/\u202f/g, ' ') : text;
}

/** The ECMA-402 options of a date-time format that shows seconds. */
type WithSeconds = Intl.DateTimeFormatOptions & { second: 'numeric' | '2-digit' };

/**
 * `at` formatted with `options` (which show seconds) in `locale` (BCP 47), written as the same options
 * without seconds write it, with the seconds added after the minutes: "8 dic 2026, 3:34:47 GMT+1"
 * beside "8 dic 2026, 3:34 GMT+1", never "3:34:47 (GMT+1)"; "8 Dec 2026, 03:34:47 GMT+1" (en-GB)
 * beside "03:34", never "3:34:47".
 *
 * Why not Intl's own output with seconds: ICU picks a time pattern per set of fields from CLDR's data,
 * and CLDR's Spanish and Catalan data (Node 20: ICU 78, CLDR 48) write hour, minute, second and zone
 * as their full time format does, "H:mm:ss (zzzz)", the zone in brackets, while hour, minute and zone
 * read "H:mm O", without; English (GB), Portuguese, French, German and Italian write "H:mm:ss" with
 * seconds but "HH:mm" without. A page or a mail that shows both read as two styles. So both come from
 * Intl (formatToParts): every field, the zone part (CLDR's localized GMT offset, the same text in
 * both) and the words around it from the format without seconds, the seconds and the separator
 * before them (":" everywhere CLDR has data) from the format with them. No pattern is written here:
 * a language or region Intl knows keeps its own order, digits, day periods and zone words. Where
 * the seconds do not follow the minutes directly in Intl's output, Intl's output with seconds is
 * returned as it is. Spaces as the runtime's `format()` writes them (asFormatWrites: V8 writes U+202F
 * as a plain space in `format()` but not in `formatToParts()`), so a time with seconds and one
 * without, on one page, differ by the seconds alone. `options.timeZone`: IANA, as Intl takes it (a RangeError for an unknown one, as
 * Intl; formatZoned falls back to UTC instead).
 */
export function formatWithSeconds(at: Date | number, locale: string, options: WithSeconds): string {
  const withSeconds = intlOf(Intl.DateTimeFormat, locale, options).formatToParts(at);
  const { second: _second, ...minuteOptions } = options;
  const withoutSeconds = intlOf(Intl.DateTimeFormat, locale, minuteOptions).formatToParts(at);
  const s = withSeconds.findIndex((p) => p.type === 'second');
  const m = withoutSeconds.findIndex((p) => p.type === 'minute');
  const join = (parts: readonly Intl.DateTimeFormatPart[]) =>
    asFormatWrites(parts.map((p) => p.value).join(''));
  if (s < 2 || m < 0 || withSeconds[s - 1]!.type !== 'literal' || withSeconds[s - 2]!.type !== 'minute')
    return join(withSeconds);
  return join([
    ...withoutSeconds.slice(0, m + 1),
    withSeconds[s - 1]!,
    withSeconds[s]!,
    ...withoutSeconds.slice(m + 1),
  ]);
}

/**
 * `at` as every page, mail and the CLI write a moment: ZONED, or with `seconds` ZONED_SECONDS written
 * as ZONED is (formatWithSeconds: no brackets round the zone in Spanish), in `locale` (a BCP 47 tag:
 * next-intl's locale on a page, lib/i18n/locales.ts formatTag in a mail; English when omitted) and
 * `timeZone` (IANA; an unknown one, or none, falls back to UTC, which the offset then names). The one
 * formatter for both: components/ui/when.tsx (server and browser), the mail's `when`
 * (lib/mail/templates/context.ts through formatWhen).
 */
export function formatZoned(
  at: Date | number,
  opts: { locale?: string; timeZone?: string | null; seconds?: boolean } = {},
): string {
  const timeZone = opts.timeZone && isTimeZone(opts.timeZone) ? opts.timeZone : 'UTC';
  const locale = opts.locale ?? 'en';
  return opts.seconds
    ? formatWithSeconds(at, locale, { ...ZONED_SECONDS, timeZone })
    : intlOf(Intl.DateTimeFormat, locale, { ...ZONED, timeZone }).format(at);
}

const canonicalZones = new Map<string, string>();
let listedZones: Set<string> | undefined;
/**
 * The runtime's own name for an IANA time-zone name, or null when `tz` is not one. Aliases count:
 * browsers and phones send current IANA names ("Asia/Kolkata", "America/Argentina/Buenos_Aires",
 * "Europe/Kyiv") that this runtime's ICU lists under older ones ("Asia/Calcutta", …), and both name
 * the same zone. Answers come from `Intl.DateTimeFormat` (tz database rules, RFC 6557), kept per
 * process for the names that resolved (about 600, bounded); at most 64 characters are considered.
 */
export function canonicalTimeZone(tz: unknown): string | null {
  // An IANA name is ASCII letters, digits and _ + - / (checked first: lower-casing some other
  // letters, such as the Kelvin sign, gives ASCII, and the cache below is keyed by the lower case).
  // And Area/Location (or UTC): a bare "IST" or "PST" is a Java short name Intl maps to one of the
  // zones that share the abbreviation.
  if (typeof tz !== 'string' || tz.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz)) return null;
  if (tz !== 'UTC' && !tz.includes('/')) return null;
  // ICU matches zone names without regard to case: one entry per name, whatever its case.
  const key = tz.toLowerCase();
  const known = canonicalZones.get(key);
  if (known) return known;
  let name: string;
  try {
    name = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null; // RangeError: not a zone this runtime knows
  }
  // "Etc/UTC", "Etc/GMT" and friends: the zone a person can choose is "UTC" (see timeZones()).
  if (name === 'Etc/UTC' || name === 'Etc/GMT' || name === 'GMT') name = 'UTC';
  // Only a zone a person can choose in the profile: not "Etc/GMT+5" or "SystemV/EST5" (nor, on
  // Node 22, an offset such as "+01:00", which the shape check above already refuses).
  listedZones ??= new Set(timeZones());
  if (!listedZones.has(name)) return null;
  if (canonicalZones.size >= 4096) canonicalZones.clear(); // bounded whatever callers send
  canonicalZones.set(key, name);
  return name;
}

/** True for an IANA zone name this runtime knows (aliases included, see canonicalTimeZone), and "UTC". */
export function isTimeZone(tz: unknown): tz is string {
  return canonicalTimeZone(tz) !== null;
}

/**
 * For each language, a variety whose CLDR data names every zone by place ("Spain Time", "hora de
 * Nueva York"): in others CLDR prefers an abbreviation some readers use ("CET" in es and en-GB, "ET"
 * in en-US, "ART" in es-AR), which reads as a code in a list or a sentence.
 */
const PLACE_TAGS: Record<Locale, string> = { en: 'en-001', es: 'es-419' };

/** The variety of `locale`'s catalogue language that names zones by place (English for any other tag). */
const placeTag = (locale: string): string => PLACE_TAGS[catalogueLocale(locale)];

/**
 * The zone's name in `style` at `at` (epoch ms). `kept`: from the process's shared formatter
 * (intlOf), for a zone a page names; else from one made for this call, for a walk over every zone
 * (zoneOptions): an Intl.DateTimeFormat holds about 34 KB of ICU memory outside the JS heap (1254 of
 * them, every zone in three styles: 42 MB of RSS), too much to keep per zone, style and language.
 */
function zonePart(
  locale: string,
  zone: string,
  style: Intl.DateTimeFormatOptions['timeZoneName'],
  at = 0,
  kept = true,
): string {
  const options = { timeZone: zone, timeZoneName: style };
  const f = kept ? intlOf(Intl.DateTimeFormat, locale, options) : new Intl.DateTimeFormat(locale, options);
  return f.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? zone;
}

/**
 * CLDR's region pattern of the variety PLACE_TAGS gives `locale` ("{0} Time", "hora de {0}"), as the
 * text before and after the place: read off the name of a one-zone country (Japan) against
 * Intl.DisplayNames' name of that country.
 */
function placePattern(tag: string): { before: string; after: string } {
  const known = placePatterns.get(tag);
  if (known) return known;
  const japan = zonePart(tag, 'Asia/Tokyo', 'shortGeneric');
  const country = intlOf(Intl.DisplayNames, tag, { type: 'region' }).of('JP') ?? 'Japan';
  const at = japan.indexOf(country);
  const pattern =
    at < 0
      ? { before: '', after: '' }
      : { before: japan.slice(0, at), after: japan.slice(at + country.length) };
  placePatterns.set(tag, pattern);
  return pattern;
}
const placePatterns = new Map<string, { before: string; after: string }>();

/** A zone's place alone ("Spain", "Nueva York"): zoneName, and the start of a list entry (zoneOptions). */
function zonePlace(zone: string, locale: string, kept = true): string {
  const tag = placeTag(locale);
  const name = zonePart(tag, zone, 'shortGeneric', 0, kept);
  // A few zones keep an abbreviation in every English variety ("GMT" for Abidjan, Accra, Reykjavik…):
  // their IANA city then, as the tz database writes it.
  if (/^([A-Z]{2,5}|GMT.*|UTC.*)$/.test(name))
    return zone.slice(zone.lastIndexOf('/') + 1).replace(/_/g, ' ');
  const { before, after } = placePattern(tag);
  return name.startsWith(before) && name.endsWith(after)
    ? name.slice(before.length, name.length - after.length)
    : name;
}

/**
 * A zone (IANA id) named by where its clocks are, in the language of `locale` (a BCP 47 formatting
 * tag, lib/i18n/locales.ts formatTag): the place of CLDR's generic location format (Intl.DateTimeFormat
 * `timeZoneName: 'shortGeneric'`, zonePlace): "Buenos Aires", "España", "Reino Unido", "New York";
 * UTC as "UTC". The place alone, for the catalogue's sentence to say it is a zone in words that need
 * no article before it ("{zone} time", "zona horaria: {zone}"): CLDR's Spanish pattern "hora de {0}"
 * gave "hora de Reino Unido", "hora de Países Bajos", where Spanish writes "del Reino Unido", "de los
 * Países Bajos", and CLDR keeps no article for a country's name. The IANA id itself stays for
 * operators (logs, the CLI); an unknown id is returned as it is.
 */
export function zoneName(zone: string, locale: string): string {
  // By the runtime's own name (canonicalTimeZone): "Etc/UTC" is UTC, not a place called "UTC".
  const known = canonicalTimeZone(zone);
  if (!known) return zone;
  if (known === 'UTC') return 'UTC';
  return zonePlace(known, locale);
}

/**
 * How a sentence names a zone by `name` (zoneName's answer): `utc` for UTC, said as "UTC" (not "UTC
 * time", "zona horaria: UTC"); `time` for a name that already says it is a time ("Central European
 * Time", "hora de Europa central": CLDR's wider name, where it has none by place); else `place`
 * ("Spain", "Nueva York"), which the sentence makes a zone ("{zone} time", "zona horaria: {zone}").
 * The catalogue's sentences choose their words by it (ICU `select`: `{kind, select, utc {…} time {…}
 * other {…}}`).
 */
export function zoneNameKind(name: string): 'utc' | 'time' | 'place' {
  if (name === 'UTC') return 'utc';
  return /(?:^|\s)time$/i.test(name) || /^(?:hora|horario)(?:\s|$)/i.test(name) ? 'time' : 'place';
}

/** One zone of a list: its id (the value) and how a person reads it (the label). */
export type ZoneOption = { zone: string; label: string };

/**
 * Every zone a person can choose (timeZones()), for a list box in the language of `locale`: the place
 * first, then the zone's wider name and its offset at `at` ("Spain — Central European Time (GMT+1)",
 * "Nueva York — hora oriental (GMT-5)"), UTC first, the rest in the reader's alphabetical order (so a
 * list box's type-ahead finds a place by its first letters). Names come from CLDR through Intl.
 */
export function zoneOptions(locale: string, at: Date = new Date()): ZoneOption[] {
  // The list of a language at the start of `at`'s hour: offsets change on the hour (a DST change), and
  // building it makes three formatters for each of ~420 zones, too slow for every profile page.
  const now = at.getTime() - (at.getTime() % 3_600_000);
  const key = `${locale}|${now}`;
  const known = zoneLists.get(key);
  if (known) return known;
  const collator = intlOf(Intl.Collator, locale);
  const options = timeZones().map((zone) => {
    if (zone === 'UTC') {
      // A list entry starts with a capital, as every other one does (a place): CLDR writes the name
      // for the middle of a sentence ("hora universal coordinada").
      const name = zonePart(locale, zone, 'long');
      return { zone, label: `${name.charAt(0).toLocaleUpperCase(locale)}${name.slice(1)} (UTC)` };
    }
    const wide = zonePart(locale, zone, 'longGeneric', now, false);
    const offset = zonePart(locale, zone, 'shortOffset', now, false);
    const place = zonePlace(zone, locale, false);
    // A wider name that is only an offset ("GMT+03:00") says nothing the offset does not.
    const label = /^(GMT|UTC)/.test(wide) ? `${place} (${offset})` : `${place} — ${wide} (${offset})`;
    return { zone, label };
  });
  const [utc, ...rest] = options;
  const list = [utc!, ...rest.sort((a, b) => collator.compare(a.label, b.label))];
  if (zoneLists.size >= 16) zoneLists.clear(); // a few languages, for this hour and the last
  zoneLists.set(key, list);
  return list;
}
const zoneLists = new Map<string, ZoneOption[]>();

/** Every zone a person can choose, "UTC" first. */
export function timeZones(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
}

/**
 * `at` in `timeZone` (IANA; anything unknown falls back to UTC, which the text then names), ZONED or
 * ZONED_SECONDS (written as ZONED is: formatZoned), in English unless `locale` says otherwise.
 */
export function formatWhen(
  at: Date,
  timeZone: string,
  opts: { seconds?: boolean; locale?: string } = {},
): string {
  return formatZoned(at, { ...opts, timeZone });
}

/**
 * The wall clock of `timeZone` at `at`, as an agent reads it before calling a customer back: the
 * weekday, then the date, time to the minute and the zone's offset (ZONED), in `locale` (a BCP 47
 * tag, lib/i18n/locales.ts intlTag): "Mon, Nov 30, 2026, 9:00 AM GMT-5", "lun, 30 nov 2026, 9:00
 * GMT-5". An unknown zone falls back to UTC, which the offset then names (formatWhen). Isomorphic:
 * the staff request page renders it on the server, and its clock (components/staff/customer-clock.tsx)
 * again in the browser each minute.
 */
export function formatWallClock(at: Date, timeZone: string, locale = 'en'): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const weekday = intlOf(Intl.DateTimeFormat, locale, { weekday: 'short', timeZone: zone }).format(at);
  return `${weekday}, ${formatWhen(at, zone, { locale })}`;
}

/**
 * A weekday and a time in `timeZone` with its offset, without the date, in `locale` (BCP 47): "Mon,
 * 1:00 AM GMT-8", "lun, 1:00 GMT-8". For a line that gives several clocks of one moment (a callback
 * number's country of several zones, components/staff/customer-local-time.tsx): the date written
 * once per clock made a screen reader hear it twice (a tester, 2026-12-07); the weekday stays, since
 * two zones may be on either side of midnight. An unknown zone reads as UTC.
 */
export function formatWallTime(at: Date, timeZone: string, locale = 'en'): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  return intlOf(Intl.DateTimeFormat, locale, {
    weekday: 'short',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'shortOffset',
    timeZone: zone,
  }).format(at);
}

/** Office hours for a callback: Monday to Friday, 8:00 to 18:00 local time. */
export const BUSINESS_HOURS = { from: 8, to: 18, days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'] } as const;

export type LocalClock = {
  weekday: string;
  hour: number;
  minute: number;
  label: string;
  withinBusinessHours: boolean;
};

/** A weekday and a 24-hour time: "Mon 09:05" in en-GB. */
const WEEKDAY_CLOCK = {
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
} as const satisfies Intl.DateTimeFormatOptions;

/**
 * The wall clock in `timeZone` at `at`: weekday ("Mon"), hour (0–23), a label ("Mon 09:05") and whether
 * that is within BUSINESS_HOURS. Null for an unknown zone.
 */
export function localClock(at: Date, timeZone: string): LocalClock | null {
  if (!isTimeZone(timeZone)) return null;
  const parts = intlOf(Intl.DateTimeFormat, 'en-GB', { ...WEEKDAY_CLOCK, timeZone }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const weekday = get('weekday');
  const hour = Number(get('hour'));
  const minute = Number(get('minute'));
  const withinBusinessHours =
    (BUSINESS_HOURS.days as readonly string[]).includes(weekday) &&
    hour >= BUSINESS_HOURS.from &&
    hour < BUSINESS_HOURS.to;
  return { weekday, hour, minute, label: `${weekday} ${get('hour')}:${get('minute')}`, withinBusinessHours };
}

/**
 * A weekday and a 24-hour time with the zone's offset, on the clock of `timeZone`, in `locale` (BCP
 * 47): "Sun, 01:30 GMT-7", "dom, 01:30 GMT-8", the offset CLDR's localized GMT offset (as ZONED):
 * the hour repeated when the clocks go back reads as two moments, and the agent and the
 * customer they call read the same words. For the staff misdial evidence
 * (lib/requests/misdial-likelihood.ts signalNote).
 */
export function formatClockWithOffset(at: Date, timeZone: string, locale = 'en'): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  return intlOf(Intl.DateTimeFormat, locale, {
    ...WEEKDAY_CLOCK,
    timeZoneName: OFFSET,
    timeZone: zone,
  }).format(at);
}

/** formatTheirCallTime's options: ZONED_SECONDS with the weekday, without the year. */
const THEIR_CALL_TIME = {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: OFFSET,
} as const satisfies DateTimeFormatOptions;

/**
 * A call's moment on the customer's clock, for the agent who reads the same call in their own zone
 * just above it (ZONED_SECONDS): the weekday, the day and month, the time to the second and the zone's
 * offset, no year (the agent's line has it): "Sun, Dec 6, 11:52:13 PM GMT-8", "dom, 6 dic, 23:52:13
 * GMT-8" (formatWithSeconds: the zone as the agent's line writes it, not "(GMT-8)"). `timeZone` IANA
 * (unknown: UTC, which the offset then names), `locale` BCP 47.
 */
export function formatTheirCallTime(at: Date, timeZone: string, locale = 'en'): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  return formatWithSeconds(at, locale, { ...THEIR_CALL_TIME, timeZone: zone });
}

/**
 * Whether two zones (IANA; unknown: UTC) read the same wall clock at `at`: the same offset from UTC
 * then (tz database rules through Intl). "Europe/Madrid" and "Europe/Paris" always do; "Europe/Madrid"
 * and "Africa/Algiers" only in winter; "Europe/Madrid" and "America/Tijuana" never.
 */
export function sameWallClock(at: Date, a: string, b: string): boolean {
  const offset = (zone: string) =>
    intlOf(Intl.DateTimeFormat, 'en', { timeZone: isTimeZone(zone) ? zone : 'UTC', timeZoneName: OFFSET })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
  return offset(a) === offset(b);
}
