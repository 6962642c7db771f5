'use client';
import { useEffect, useState } from 'react';
import { formatWallClock, localClock } from '@/lib/time/format';

/** The words around the clock, translated on the server (staff.summary). */
export type CustomerClockLabels = { within: string; outside: string; hours: string };

/** The clock at one minute: the instant (ISO 8601), its text and whether it is within business hours. */
export type ClockReading = { at: string; text: string; within: boolean };

const MINUTE = 60_000;

/**
 * The customer's wall clock on the staff request page, kept right while the page is open: the time in
 * the customer's zone (`timeZone`, IANA), in the agent's language (`locale`, a BCP 47 tag), then the
 * zone as its reader names it (`zone`: "New York time", "zona horaria: Nueva York", worded on the
 * server) and whether a callback now lands in business hours.
 * The server renders it first (`first`: its reading when the page was made; right without JavaScript,
 * and what hydration finds). From then on it advances by the time elapsed since the page was made,
 * on the browser's monotonic clock (performance.now: a wrong or changed system clock in the agent's
 * computer does not move it), and is read again at each minute's turn, and when the tab is shown again
 * (a background tab's timers are slowed). Not a live region: a screen reader reads it when the agent
 * comes to it, not at every minute.
 */
export function CustomerClock({
  timeZone,
  locale,
  zone,
  first,
  labels,
}: {
  timeZone: string;
  locale: string;
  zone: string;
  first: ClockReading;
  labels: CustomerClockLabels;
}) {
  const [reading, setReading] = useState(first);
  useEffect(() => {
    const base = Date.parse(first.at);
    const start = performance.now();
    const now = () => new Date(base + (performance.now() - start));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = () => {
      const at = now();
      const clock = localClock(at, timeZone);
      setReading({
        at: at.toISOString(),
        text: formatWallClock(at, timeZone, locale),
        within: clock?.withinBusinessHours ?? false,
      });
      // The next minute's turn on this clock (and a little after it, so the minute has changed).
      clearTimeout(timer);
      timer = setTimeout(read, MINUTE - (at.getTime() % MINUTE) + 50);
    };
    timer = setTimeout(read, MINUTE - ((base + (performance.now() - start)) % MINUTE) + 50);
    const shown = () => {
      if (document.visibilityState === 'visible') read();
    };
    document.addEventListener('visibilitychange', shown);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', shown);
    };
  }, [first.at, timeZone, locale]);
  return (
    <span aria-live="off">
      <strong>
        <time dateTime={reading.at}>{reading.text}</time>
      </strong>{' '}
      ({zone}) ·{' '}
      {reading.within ? labels.within : <strong className="text-amber-900">{labels.outside}</strong>}{' '}
      {labels.hours}
    </span>
  );
}
