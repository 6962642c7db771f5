import { useLocale, useTimeZone } from 'next-intl';
import { formatZoned } from '@/lib/time/format';

/**
 * How this page writes a moment, as a function of it: `(at, { seconds })` → "Dec 8, 2026, 3:34:47 AM
 * GMT+1", "8 dic 2026, 3:34:47 GMT+1": lib/time/format.ts formatZoned (ZONED, or ZONED_SECONDS
 * written as ZONED is: no brackets round the zone in Spanish), in the page's locale and the viewer's
 * zone (next-intl's request config: the signed-in user's, else UTC). For a time inside a sentence
 * (an ICU argument), where <When> cannot go: next-intl's `format.dateTime(d, ZONED_SECONDS)` gives
 * "3:34:47 (GMT+1)" in Spanish. A hook (server and client components alike).
 */
export function useWhen(): (at: Date, opts?: { seconds?: boolean }) => string {
  const locale = useLocale();
  const timeZone = useTimeZone();
  return (at, opts = {}) => formatZoned(at, { locale, timeZone, seconds: opts.seconds });
}

/**
 * A time in the viewer's own zone (next-intl's request config carries the signed-in user's zone), with
 * the zone's offset (lib/time/format.ts ZONED; with `seconds`, ZONED_SECONDS written the same way:
 * useWhen), as a <time> element. Used by customer and staff pages alike. `at` may be an ISO 8601
 * string (stored mail); one that is no date is shown as it is. No async (next-intl's hooks read the
 * same request config in a server component): a synchronous component such as the block timeline
 * renders it, in a page and in a test alike.
 */
export function When({ at, seconds = false }: { at: Date | string; seconds?: boolean }) {
  const when = useWhen();
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return <>{String(at)}</>;
  return <time dateTime={d.toISOString()}>{when(d, { seconds })}</time>;
}
