'use client';
import { useEffect, useMemo, useState } from 'react';
import { createTranslator, type AbstractIntlMessages } from 'next-intl';

/** The countdown's four messages, each an ICU message of the catalogue's `allowance.countdown`. */
type CountdownKey = 'hoursMinutes' | 'minutes' | 'soon' | 'over';
type CountdownWords = (key: CountdownKey, values?: { hours?: number; minutes?: number }) => string;

/**
 * The words for `leftMs` milliseconds left, from `words` (the `allowance.countdown` messages): `over`
 * at 0 or less, `soon` under a minute, else whole minutes (rounded down) as `minutes`, or as
 * `hoursMinutes` from an hour. The messages choose their plural forms by the numbers ("Queda 1 min.",
 * "Quedan 2 min."). Each is a sentence of its own, capital and full stop: the block page shows it
 * after the allowance's status sentence ("…allowed until Dec 8, 2026, 3:31 AM GMT-6. 47 h 59 min
 * left.").
 */
export function countdownText(words: CountdownWords, leftMs: number): string {
  if (leftMs <= 0) return words('over');
  if (leftMs < 60_000) return words('soon');
  const minutesTotal = Math.floor(leftMs / 60_000);
  const hours = Math.floor(minutesTotal / 60);
  const minutes = minutesTotal % 60;
  return hours > 0 ? words('hoursMinutes', { hours, minutes }) : words('minutes', { minutes });
}

/**
 * A formatter of the countdown's messages in `locale` (a BCP 47 tag: the page's, so plurals follow the
 * reader's language). `messages` is the part of the catalogue under `allowance.countdown`, at its
 * place in the tree (lib/i18n/client-messages.ts pickMessages), as the server hands it: ICU text, or
 * the bundle's precompiled form. A missing message is reported and shown as its key, as next-intl does.
 */
export function countdownWords(locale: string, messages: AbstractIntlMessages): CountdownWords {
  // The messages are typed loosely (AbstractIntlMessages), so next-intl knows none of their keys.
  return createTranslator({
    locale,
    messages,
    namespace: 'allowance.countdown',
  }) as unknown as CountdownWords;
}

/**
 * Time left until `until` (ISO), in hours and minutes, updated every 15 s. Rendered on the server
 * with `now` first (no layout shift), then by the browser's clock. Its words are `messages` (the
 * catalogue's `allowance.countdown`, handed by the server: the block page's provider does not send
 * `allowance`) formatted here with their plurals in `locale`. `role="timer"` is not live by default:
 * screen readers read it on demand, not every tick.
 */
export function Countdown({
  until,
  now,
  locale,
  messages,
}: {
  until: string;
  now: string;
  locale: string;
  messages: AbstractIntlMessages;
}) {
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
  const words = useMemo(() => countdownWords(locale, messages), [locale, messages]);
  return (
    <span role="timer" className="font-semibold tabular-nums">
      {countdownText(words, Date.parse(until) - t)}
    </span>
  );
}
