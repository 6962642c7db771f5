'use client';
import { useEffect, useState } from 'react';

export type CountdownLabels = { hoursMinutes: string; minutes: string; soon: string; over: string };

const fill = (s: string, v: Record<string, number>) =>
  s.replace(/\{(\w+)\}/g, (_, k: string) => String(v[k] ?? ''));

/**
 * Time left until `until` (ISO), in hours and minutes, updated every 15 s. Rendered on the server
 * with `now` first (no layout shift), then by the browser's clock. Labels come translated from the
 * server. `role="timer"` is not live by default: screen readers read it on demand, not every tick.
 */
export function Countdown({ until, now, labels }: { until: string; now: string; labels: CountdownLabels }) {
  const [t, setT] = useState(() => Date.parse(now));
  useEffect(() => {
    const tick = () => setT(Date.now());
    const first = setTimeout(tick, 0); // the browser's clock, right after hydration
    const id = setInterval(tick, 15_000);
    return () => {
      clearTimeout(first);
      clearInterval(id);
    };
  }, []);
  const left = Date.parse(until) - t;
  let text: string;
  if (left <= 0) text = labels.over;
  else if (left < 60_000) text = labels.soon;
  else {
    const minutesTotal = Math.floor(left / 60_000);
    const hours = Math.floor(minutesTotal / 60);
    const minutes = minutesTotal % 60;
    text = hours > 0 ? fill(labels.hoursMinutes, { hours, minutes }) : fill(labels.minutes, { minutes });
  }
  return (
    <span role="timer" className="font-semibold tabular-nums">
      {text}
    </span>
  );
}
