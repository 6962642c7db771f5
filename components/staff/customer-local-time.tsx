import { useLocale, useTranslations } from 'next-intl';
import { intlTag } from '@/lib/i18n/locales';
import { BUSINESS_HOURS, formatWallClock, localClock, zoneName } from '@/lib/time/format';
import { CustomerClock } from './customer-clock';

/**
 * "Customer’s local time" ("Hora local del cliente") and the account's wall clock, as a description list's
 * term and description (a <dt> and a <dd>, for the <dl> of whoever calls the customer back): the
 * unblock request's summary (./request-summary.tsx) and a waiting destination-allowance request's card
 * (components/allowance/staff-allowances.tsx), one line for both. `timeZone`: the account's (IANA).
 * `now`: the moment to read (tests; the request's render time otherwise).
 */
export function CustomerLocalTime({ timeZone, now }: { timeZone: string; now?: Date }) {
  const s = useTranslations('staff.summary');
  return (
    <>
      <dt className="font-medium">{s('localTime')}</dt>
      <dd>
        <CustomerClockNow timeZone={timeZone} now={now} />
      </dd>
    </>
  );
}

/**
 * The account's wall clock at `now` (by default the moment of rendering), in the viewer's language,
 * with the zone's offset and its name by place, and whether a callback lands within BUSINESS_HOURS
 * ("lun, 7 dic 2026, 4:53 GMT-3 (zona horaria: Santiago) · fuera del horario laboral (de lunes a
 * viernes, de 8:00 a 18:00)"): rendered here first, then kept right in the browser
 * (./customer-clock.tsx). An unknown zone reads "unknown (Its/Zone)".
 */
function CustomerClockNow({ timeZone, now = new Date() }: { timeZone: string; now?: Date }) {
  const s = useTranslations('staff.summary');
  const locale = useLocale();
  const clock = localClock(now, timeZone);
  if (!clock) return <>{s('clockUnknown', { zone: timeZone })}</>;
  const tag = intlTag(locale);
  return (
    <CustomerClock
      // A new reading from the server (a refresh of the page) starts the clock again from it.
      key={now.toISOString()}
      timeZone={timeZone}
      locale={tag}
      zone={s('zone', { zone: zoneName(timeZone, tag) })}
      first={{
        at: now.toISOString(),
        text: formatWallClock(now, timeZone, tag),
        within: clock.withinBusinessHours,
      }}
      labels={{
        within: s('within'),
        outside: s('outside'),
        hours: s('hours', { from: BUSINESS_HOURS.from, to: BUSINESS_HOURS.to }),
      }}
    />
  );
}
