'use client';
import { useEffect, useState } from 'react';
import { officeHoursEverywhere } from '@/lib/time/callback-clocks';
import { formatWallClock, formatWallTime, localClock } from '@/lib/time/format';

/** The words around the clock, translated on the server (staff.summary). */
export type CustomerClockLabels = { within: string; outside: string; hours: string };

/** The clock at one minute: the instant (ISO 8601), its text and whether it is within business hours. */
export type ClockReading = { at: string; text: string; within: boolean };

const MINUTE = 60_000;

/**
 * The moment now, as the staff page's clocks read it: null until the first re-reading (the page shows
 * its server's reading, `firstAt` (ISO 8601), until then: right without JavaScript, and what hydration
 * finds), then the page's moment advanced by the time elapsed since it was made, on the browser's
 * monotonic clock (performance.now: a wrong or changed system clock in the agent's computer does not
 * move it), read again at each minute's turn, and when the tab is shown again (a background tab's
 * timers are slowed). The one way the staff pages keep a clock ticking: CustomerClock, and the clocks
 * of a callback number's country (CountryClockTime, OfficeHoursVerdict).
 */
export function useMinuteClock(firstAt: string): Date | null {
  const [now, setNow] = useState<Date | null>(null);
  useEffect(() => {
    const base = Date.parse(firstAt);
    const start = performance.now();
    const current = () => new Date(base + (performance.now() - start));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = () => {
      const at = current();
      setNow(at);
      // The next minute's turn on this clock (and a little after it, so the minute has changed).
      clearTimeout(timer);
      timer = setTimeout(read, MINUTE - (at.getTime() % MINUTE) + 50);
    };
    timer = setTimeout(read, MINUTE - (current().getTime() % MINUTE) + 50);
    const shown = () => {
      if (document.visibilityState === 'visible') read();
    };
    document.addEventListener('visibilitychange', shown);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', shown);
    };
  }, [firstAt]);
  return now;
}

/** The verdict's words: within, or outside in bold amber, then the hours (CustomerClockLabels). */
function Verdict({ within, labels }: { within: boolean; labels: CustomerClockLabels }) {
  return (
    <>
      {within ? labels.within : <strong className="text-amber-900">{labels.outside}</strong>} {labels.hours}
    </>
  );
}

/**
 * The customer's wall clock on the staff request page, kept right while the page is open: the time in
 * the customer's zone (`timeZone`, IANA), in the agent's language (`locale`, a BCP 47 tag), then the
 * zone as its reader names it (`zone`: "New York time", "zona horaria: Nueva York", worded on the
 * server) and whether a callback now lands in business hours.
 * The server renders it first (`first`: its reading when the page was made); from then on it ticks
 * with useMinuteClock. Not a live region: a screen reader reads it when the agent comes to it, not at
 * every minute.
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
  const at = useMinuteClock(first.at);
  const reading: ClockReading = at
    ? {
        at: at.toISOString(),
        text: formatWallClock(at, timeZone, locale),
        within: localClock(at, timeZone)?.withinBusinessHours ?? false,
      }
    : first;
  return (
    <span aria-live="off">
      <strong>
        <time dateTime={reading.at}>{reading.text}</time>
      </strong>{' '}
      ({zone}) · <Verdict within={reading.within} labels={labels} />
    </span>
  );
}

/**
 * One wall clock of a callback number's country, for a range ("from <this> (Tijuana) to <this>
 * (Cancún)"): the time in `timeZone` (IANA) in `locale` (BCP 47), as CustomerClock writes it, without
 * the zone's name or a verdict (the sentence around it says them). `first`: the server's reading.
 */
export function CountryClockTime({
  timeZone,
  locale,
  first,
}: {
  timeZone: string;
  locale: string;
  first: Pick<ClockReading, 'at' | 'text'>;
}) {
  const at = useMinuteClock(first.at);
  const reading = at ? { at: at.toISOString(), text: formatWallTime(at, timeZone, locale) } : first;
  return (
    <strong>
      <time dateTime={reading.at}>{reading.text}</time>
    </strong>
  );
}

/**
 * Whether a callback lands within business hours in every zone of a country (`zones`, IANA), read
 * again each minute (lib/time/callback-clocks.ts officeHoursEverywhere): within, outside, or, where
 * its zones disagree, `labels.mixed` ("within business hours in only some of its time zones"), never
 * one zone's verdict as the country's. `first`: the server's reading (at, and true, false
 * or null).
 */
export function OfficeHoursVerdict({
  zones,
  first,
  labels,
}: {
  zones: string[];
  first: { at: string; within: boolean | null };
  labels: CustomerClockLabels & { mixed: string };
}) {
  const at = useMinuteClock(first.at);
  const within = at ? officeHoursEverywhere(at, zones) : first.within;
  return within === null ? (
    <>
      {labels.mixed} {labels.hours}
    </>
  ) : (
    <Verdict within={within} labels={labels} />
  );
}
