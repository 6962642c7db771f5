import { useFormatter } from 'next-intl';
import { ZONED, ZONED_SECONDS } from '@/lib/time/format';

/**
 * A time in the viewer's own zone (next-intl's request config carries the signed-in user's zone), with
 * the zone's offset (lib/time/format.ts ZONED), as a <time> element. Used by customer and staff pages
 * alike. `at` may be an ISO 8601 string (stored mail); one that is no date is shown as it is. No async
 * (next-intl's hook reads the same request config in a server component): a synchronous component such
 * as the block timeline renders it, in a page and in a test alike.
 */
export function When({ at, seconds = false }: { at: Date | string; seconds?: boolean }) {
  const format = useFormatter();
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return <>{String(at)}</>;
  return <time dateTime={d.toISOString()}>{format.dateTime(d, seconds ? ZONED_SECONDS : ZONED)}</time>;
}
