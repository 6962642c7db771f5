import { useLocale, useTimeZone, useTranslations } from 'next-intl';
import { intlTag } from '@/lib/i18n/locales';
import { formatTheirCallTime, sameWallClock } from '@/lib/time/format';

/**
 * A trigger call's moment on the customer's clock, under the same moment on the agent's (the call
 * table's own line, components/ui/when.tsx, in the viewer's zone): "Customer’s time: Sun, Dec 6,
 * 11:52:13 PM GMT-8", "Hora del cliente: dom, 6 dic, 23:52:13 (GMT-8)" (lib/time/format.ts
 * formatTheirCallTime), so that the agent on the phone finds "the call late on Sunday the 6th" the
 * customer speaks of, and the hour repeated when the clocks go back reads as two offsets. `timeZone`:
 * the account's (IANA, as the request page's "Customer’s local time" reads it); `at`: the call's moment.
 * Nothing when the agent's zone reads the same wall clock then (sameWallClock): the line above is
 * already the customer's time.
 */
export function TheirCallTime({ at, timeZone }: { at: Date; timeZone: string }) {
  const s = useTranslations('staff.summary');
  const locale = useLocale();
  const agentZone = useTimeZone() ?? 'UTC';
  if (sameWallClock(at, timeZone, agentZone)) return null;
  return (
    <span className="block text-xs text-slate-700">
      {s.rich('theirCallTime', {
        when: () => (
          <time dateTime={at.toISOString()}>{formatTheirCallTime(at, timeZone, intlTag(locale))}</time>
        ),
      })}
    </span>
  );
}
