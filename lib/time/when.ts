import 'server-only';
import { getFormatter, getLocale, getTimeZone } from 'next-intl/server';
import { formatWhen, isTimeZone, ZONED, ZONED_SECONDS } from '@/lib/time/format';

/** A moment as the reader reads it: ZONED (or ZONED_SECONDS with `seconds`) in their language and zone. */
export type WhenFormat = (at: Date, opts?: { seconds?: boolean }) => string;

/**
 * For server components: formats times in the request's language and the viewer's time zone
 * (next-intl's request config, i18n/request.ts), the same text as next-intl's
 * `getFormatter().dateTime(at, ZONED)` (tests/unit/time-format.test.ts compares them). next-intl makes
 * its `Intl.DateTimeFormat`s again on every request (its formatter cache lives for one request), and
 * making one costs ≈ 0.3–0.5 ms on this machine against ≈ 3 µs to format with it (issue 14,
 * bench/README.md "pages"); `formatWhen` keeps one per locale, zone and shape for the process (at
 * most 2 locales × the runtime's zones × 2). A zone `isTimeZone` does not list (an alias such as
 * "Asia/Kolkata") is left to next-intl's formatter, as before, rather than shown in UTC.
 */
export async function getWhen(): Promise<WhenFormat> {
  const [locale, timeZone] = await Promise.all([getLocale(), getTimeZone()]);
  if (!isTimeZone(timeZone)) {
    const format = await getFormatter();
    return (at, opts = {}) => format.dateTime(at, opts.seconds ? ZONED_SECONDS : ZONED);
  }
  return (at, opts = {}) => formatWhen(at, timeZone, { locale, seconds: opts.seconds });
}
