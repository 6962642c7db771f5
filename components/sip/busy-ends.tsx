import { RenderAgainIn } from '@/components/sip/render-again';
import { earliestBusyUntil } from '@/lib/accounts/unsettled';

/**
 * Renders the page again once (RenderAgainIn) when the earliest busy time its credentials show has
 * come: `load`, the page's read of its credentials with their `unsettledBusyUntil` (the staff account
 * page's devicesForStaff, lib/devices/registrations.ts; null when none), awaited here so that the page
 * never waits for the switch's read (put it in its own Suspense); `now`, the time the page's lines
 * were compared with (next-intl's getNow, the render's useNow). From that second the line under the
 * credential no longer says "busy until …" but what is true then (components/sip/unsettled.tsx
 * UnsettledLine), as the dashboard's AutoRefresh `renderAgainInMs` does (app/page.tsx; one helper,
 * earliestBusyUntil). Nothing when no busy time is still ahead, or the read failed.
 */
export async function RenderAgainWhenBusyEnds({
  load,
  now,
}: {
  load: Promise<{ credentials: Iterable<{ unsettledBusyUntil?: Date }> } | null>;
  now: Date;
}) {
  // A failed read is the devices section's to say: here it only means no busy time to wait for.
  const loaded = await load.catch(() => null);
  const ends = loaded ? earliestBusyUntil(loaded.credentials, now) : undefined;
  return ends ? <RenderAgainIn inMs={ends.getTime() - now.getTime()} /> : null;
}
