import { getFormatter } from 'next-intl/server';
import { ZONED, ZONED_SECONDS } from '@/lib/time/format';

/**
 * A time in the viewer's own zone (next-intl's request config carries the signed-in user's zone), with
 * the zone named, as a <time> element. Used by customer and staff pages alike.
 */
export async function When({ at, seconds = false }: { at: Date; seconds?: boolean }) {
  const format = await getFormatter();
  return <time dateTime={at.toISOString()}>{format.dateTime(at, seconds ? ZONED_SECONDS : ZONED)}</time>;
}
