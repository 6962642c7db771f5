import { getWhen } from '@/lib/time/when';

/**
 * A time in the viewer's own zone (next-intl's request config carries the signed-in user's zone), with
 * the zone named, as a <time> element. Used by customer and staff pages alike.
 */
export async function When({ at, seconds = false }: { at: Date; seconds?: boolean }) {
  const when = await getWhen();
  return <time dateTime={at.toISOString()}>{when(at, { seconds })}</time>;
}
