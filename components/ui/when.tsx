import { getFormatter } from 'next-intl/server';
import { ZONED, ZONED_SECONDS } from '@/lib/time/format';

/**
 * A time in the viewer's own zone (next-intl's request config carries the signed-in user's zone), with
 * the zone's offset (lib/time/format.ts ZONED), as a <time> element. Used by customer and staff pages
 * alike. `at` may be an ISO 8601 string (stored mail); one that is no date is shown as it is.
 */
export async function When({ at, seconds = false }: { at: Date | string; seconds?: boolean }) {
  const format = await getFormatter();
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return <>{String(at)}</>;
  return <time dateTime={d.toISOString()}>{format.dateTime(d, seconds ? ZONED_SECONDS : ZONED)}</time>;
}
