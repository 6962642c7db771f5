// Times as the reader reads them: in their own time zone, with the zone named, so the hour repeated at
// a DST change reads as two different times ("1:30 AM EDT", "1:30 AM EST"). Pure and isomorphic: pages
// (through next-intl's formatter, which supplies the viewer's zone), mail and tests use the same options.

/** Date, time to the minute, and the zone's short name or offset ("Nov 1, 2026, 1:30 AM EDT", "…GMT+1"). */
export const ZONED = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
} as const satisfies Intl.DateTimeFormatOptions;
/** ZONED with seconds, where calls a few seconds apart must read apart (trigger calls). */
export const ZONED_SECONDS = { ...ZONED, second: '2-digit' } as const satisfies Intl.DateTimeFormatOptions;

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

/** An IANA zone as people read it: "America/New_York" → "America/New York". */
export const zoneLabel = (zone: string): string => zone.replace(/_/g, ' ');

/** Every zone a person can choose, "UTC" first. */
export function timeZones(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(
  locale: string,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
  key: string,
): Intl.DateTimeFormat {
  const k = `${locale}|${timeZone}|${key}`;
  let f = formatters.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(k, f);
  }
  return f;
}

/**
 * `at` in `timeZone` (IANA; anything unknown falls back to UTC, which the text then names), ZONED or
 * ZONED_SECONDS, in English unless `locale` says otherwise.
 */
export function formatWhen(
  at: Date,
  timeZone: string,
  opts: { seconds?: boolean; locale?: string } = {},
): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  return formatter(
    opts.locale ?? 'en',
    zone,
    opts.seconds ? ZONED_SECONDS : ZONED,
    opts.seconds ? 's' : 'm',
  ).format(at);
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

/**
 * The wall clock in `timeZone` at `at`: weekday ("Mon"), hour (0–23), a label ("Mon 09:05") and whether
 * that is within BUSINESS_HOURS. Null for an unknown zone.
 */
export function localClock(at: Date, timeZone: string): LocalClock | null {
  if (!isTimeZone(timeZone)) return null;
  const parts = formatter(
    'en-GB',
    timeZone,
    { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
    'clock',
  ).formatToParts(at);
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
 * A moment as a weekday and 24-hour time on the clock of `timeZone`, in `locale` (BCP 47): "Sun 03:12",
 * "dom, 03:12". For evidence an agent reads out ("a call at 03:12 on a Sunday"), not for a full date.
 */
export function formatClock(at: Date, timeZone: string, locale = 'en'): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  return formatter(
    locale,
    zone,
    { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
    'weekday-clock',
  ).format(at);
}
