// The clock where a callback number rings, beside the account's (components/staff/customer-local-time.tsx):
// a Madrid company's owner who gives a Mexican mobile is rung in Mexico, not in Madrid. A phone number
// says its country (libphonenumber-js) and, where its prefix says more (+1 808: Hawaii; +52 664:
// Tijuana), the zones of that prefix (./number-zones.ts, Google's mapping, read on the server and
// passed in); a number that says no more than its country (a toll-free number, a Spanish or Australian
// mobile) is shown as the spread of its country's clocks, never as one of them. Pure and isomorphic:
// the staff page renders it on the server, and its clocks (components/staff/customer-clock.tsx) read
// it again in the browser each minute.

import { intlOf } from '@/lib/i18n/intl-cache';
import { canonicalTimeZone, type LocalClock, localClock, zoneName } from './format';

type LocaleWithZones = Intl.Locale & { timeZones?: string[]; getTimeZones?: () => string[] };

/**
 * The IANA time zones of `region` (ISO 3166-1 alpha-2, any case) as the runtime's ICU lists them from
 * CLDR's zone-to-territory data (`new Intl.Locale('und-' + region)`: the `timeZones` getter of the
 * TC39 Intl Locale Info proposal, in V8 up to Node 22; `getTimeZones()` where a newer V8 renamed it),
 * each as the runtime's own name (canonicalTimeZone: ICU's list keeps some old names, such as
 * "America/Buenos_Aires"), without repeats, in ICU's order. Empty for a region ICU knows no zone for
 * ("XK", "ZZ"), for anything that is not two letters ("001", CLDR's "world", lists the Etc/GMT±n zones,
 * no place's) and where the runtime has neither method.
 */
export function countryTimeZones(region: string): string[] {
  if (!/^[A-Za-z]{2}$/.test(region)) return [];
  let listed: string[] | undefined;
  try {
    const locale = intlOf(Intl.Locale, `und-${region.toUpperCase()}`) as LocaleWithZones;
    listed = typeof locale.getTimeZones === 'function' ? locale.getTimeZones() : locale.timeZones;
  } catch {
    return []; // RangeError: not a region subtag
  }
  const zones = new Set<string>();
  for (const z of listed ?? []) {
    const known = canonicalTimeZone(z);
    if (known && known !== 'UTC') zones.add(known);
  }
  return [...zones];
}

/** The zone's offset from UTC at `at`, in minutes east of Greenwich (−180 for GMT-3, 330 for GMT+5:30). */
function offsetMinutes(at: Date, zone: string): number {
  // The options of lib/time/format.ts sameWallClock: the same shared formatter.
  const name =
    intlOf(Intl.DateTimeFormat, 'en', { timeZone: zone, timeZoneName: 'shortOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{1,2})(?::(\d{2}))?$/.exec(name);
  if (!m) return 0; // "GMT": UTC itself
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/**
 * The zones of a country that read one wall clock at a moment (the same offset from UTC): `zone` the
 * one a page names them by, `zones` all of them (`zone` first), `clock` that wall clock (localClock).
 */
export type ZoneGroup = { zone: string; zones: string[]; offset: number; clock: LocalClock };

/**
 * Whether CLDR names `zone` after `region` itself (its generic location name in English is the
 * country's name: "Europe/Madrid" is "Spain", "America/Santiago" "Chile"): the zone most of the
 * country keeps, where CLDR says which.
 */
function namedAfter(zone: string, region: string): boolean {
  return zoneName(zone, 'en') === intlOf(Intl.DisplayNames, 'en', { type: 'region' }).of(region);
}

/**
 * `zones` (IANA) at `at`, those with the same wall clock then as one group, earliest clock first. A
 * group is named by the zone CLDR names after the country (`region`, namedAfter) when it is in the
 * group, else by the first of ICU's list: a place with that clock, as an example of it (the page
 * says "from … to …", not "in …").
 */
export function zoneGroups(at: Date, zones: readonly string[], region = ''): ZoneGroup[] {
  const byOffset = new Map<number, string[]>();
  for (const zone of zones) {
    const offset = offsetMinutes(at, zone);
    byOffset.set(offset, [...(byOffset.get(offset) ?? []), zone]);
  }
  return [...byOffset.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([offset, members]) => {
      const first = members.find((z) => region && namedAfter(z, region)) ?? members[0]!;
      const clock = localClock(at, first);
      return clock
        ? [{ zone: first, zones: [first, ...members.filter((z) => z !== first)], offset, clock }]
        : [];
    });
}

/**
 * How a page names `group` of `region`'s zones in `locale` (BCP 47): by its place (zoneName: "Madrid",
 * "Tijuana", "Canarias") when it is the zone CLDR names after the country or the group's only zone;
 * else, the group being several zones that read one clock, by CLDR's generic name of their time
 * ("Eastern Time", "hora central": Intl.DateTimeFormat `timeZoneName: 'longGeneric'`), not by the
 * first of ICU's list, which named the United States' Eastern clock "Detroit" and its Hawaiian one
 * "Adak". A generic name CLDR does not have (ICU then writes an offset, "GMT-03:00") falls back to
 * the place. `at`: the moment the clocks are read (CLDR dates which generic time a zone keeps).
 */
export function groupPlace(
  group: Pick<ZoneGroup, 'zone' | 'zones'>,
  region: string,
  locale: string,
  at: Date,
): string {
  const place = zoneName(group.zone, locale);
  if (group.zones.length < 2 || namedAfter(group.zone, region)) return place;
  const generic = intlOf(Intl.DateTimeFormat, locale, { timeZone: group.zone, timeZoneName: 'longGeneric' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  return generic && !/^(GMT|UTC)/.test(generic) ? generic : place;
}

/**
 * Whether a callback at `at` lands within office hours (lib/time/format.ts BUSINESS_HOURS) in every
 * one of `zones` (true), in none (false), or in some only (null: a page then gives no verdict).
 */
export function officeHoursEverywhere(at: Date, zones: readonly string[]): boolean | null {
  const verdicts = new Set(zones.map((z) => localClock(at, z)?.withinBusinessHours ?? false));
  return verdicts.size === 1 ? [...verdicts][0]! : null;
}

/** What the page says of the callback number's clock (callbackClocks). */
export type CallbackClocks =
  /** Nothing beyond the account's clock: the number is in the account's country, or its country is unknown. */
  | { kind: 'none' }
  /** `country` (ISO 3166-1 alpha-2) has no zone the runtime knows: the clock there is unknown. */
  | { kind: 'unknown'; country: string }
  /**
   * One wall clock in `country` at that moment: `zone`'s, and `zones` every zone the number may ring
   * in (the one its prefix pins, or the country's: one, or several that agree then: Argentina's twelve
   * all read GMT-3).
   */
  | { kind: 'one'; country: string; zone: string; zones: string[]; clock: LocalClock }
  /**
   * Several wall clocks in `country`: the earliest and the latest (ZoneGroup), every zone the number
   * may ring in (`zones`, for the verdict to be read again: those its prefix allows, else the
   * country's), and whether a call lands within office hours in all of them (true), in none (false),
   * or in some only (null).
   */
  | {
      kind: 'range';
      country: string;
      zones: string[];
      earliest: ZoneGroup;
      latest: ZoneGroup;
      within: boolean | null;
    };

/**
 * The zones of `countryZones` (countryTimeZones, ICU's order) that `numberZones` (IANA, any alias:
 * ./number-zones.ts numberTimeZones) names; all of `countryZones` when `numberZones` is null or empty
 * or names none of them (a mapping that disagrees with CLDR about the country is not believed).
 */
function zonesOfNumber(countryZones: string[], numberZones: readonly string[] | null | undefined): string[] {
  const named = new Set((numberZones ?? []).map(canonicalTimeZone));
  const kept = countryZones.filter((z) => named.has(z));
  return kept.length > 0 ? kept : countryZones;
}

/**
 * The clock an agent reads before calling back a number in `country` (ISO 3166-1 alpha-2, as
 * libphonenumber-js reads the number; null for a number outside any country or unreadable) for an
 * account in `accountCountry`, at `now`. The zones are CLDR's for the country, through ICU
 * (countryTimeZones): no hand-written table; narrowed to `numberZones` when the number's prefix
 * pins some (IANA names, ./number-zones.ts numberTimeZones: Google libphonenumber's prefix-to-zone
 * mapping; null or absent: the number says its country only), those of the country only.
 * - Same country as the account: `none` when the number's prefix pins it to the clock of
 *   `accountZone` (the account's IANA zone, whose clock the page shows beside it), and `none` while
 *   every zone of the country agrees on office hours
 *   (officeHoursEverywhere): the account's own clock, already beside the number, then gives the
 *   right verdict wherever in the country the phone is, and repeating the country's spread on every
 *   Spanish callback of a Spanish account would be noise. When they disagree (a New York account's
 *   number in Hawaii at 09:00 Eastern, 04:00 there; a Madrid account's Canary number at 08:30, 07:30
 *   there: a tester, 2026-12-07), the number's clock as for another country: its zone's when its
 *   prefix pins one (+1 808: Honolulu), else the country's `range`.
 * - No zone known for the country: `unknown` (never the account's clock in its place).
 * - One wall clock now (the prefix's one zone; Chile's mainland zones agree, Argentina's all read
 *   GMT-3): `one`.
 * - Several: `range`, the earliest and the latest, and a verdict only where every zone agrees (one
 *   zone picked as if known would be the fault this answers: "10:00 in Madrid" rung at 03:00 in Mexico).
 */
export function callbackClocks(
  now: Date,
  country: string | null,
  accountCountry: string,
  numberZones?: readonly string[] | null,
  accountZone?: string | null,
): CallbackClocks {
  if (!country) return { kind: 'none' };
  const code = country.toUpperCase();
  const countryZones = countryTimeZones(code);
  const home = code === accountCountry.toUpperCase();
  if (home && officeHoursEverywhere(now, countryZones) !== null) return { kind: 'none' };
  const zones = zonesOfNumber(countryZones, numberZones);
  const groups = zoneGroups(now, zones, code);
  if (groups.length === 0) return { kind: 'unknown', country: code };
  // A number of the account's country whose prefix pins it to the account's own clock (a New York
  // account's 212 number): the customer's clock beside it says it already, and a second line of the
  // same time read as two places (CI, and a tester's Mexico City account with a 55 number, 2026-12-07).
  if (home && accountZone && groups.length === 1 && groups[0]!.offset === offsetMinutes(now, accountZone))
    return { kind: 'none' };
  const earliest = groups[0]!;
  const latest = groups[groups.length - 1]!;
  if (groups.length === 1)
    return { kind: 'one', country: code, zone: earliest.zone, zones: earliest.zones, clock: earliest.clock };
  return { kind: 'range', country: code, zones, earliest, latest, within: officeHoursEverywhere(now, zones) };
}
