import type { CountryCode } from 'libphonenumber-js/max';
import { useLocale, useTranslations } from 'next-intl';
import { intlTag } from '@/lib/i18n/locales';
import { readCallback } from '@/lib/phone/callback';
import { countryName, describeDialled } from '@/lib/phone/format';
import { callbackClocks, groupPlace } from '@/lib/time/callback-clocks';
import { clockCountry, numberTimeZones } from '@/lib/time/number-zones';
import { BUSINESS_HOURS, formatWallClock, formatWallTime, localClock, zoneName } from '@/lib/time/format';
import { CountryClockTime, CustomerClock, OfficeHoursVerdict } from './customer-clock';

/**
 * "Customer’s local time" ("Hora local del cliente") and the account's wall clock, as a description list's
 * term and description (a <dt> and a <dd>, for the <dl> of whoever calls the customer back): the
 * unblock request's summary (./request-summary.tsx) and a waiting destination-allowance request's card
 * (components/allowance/staff-allowances.tsx), one line for both. `timeZone`: the account's (IANA).
 * `now`: the moment to read (tests; the request's render time otherwise).
 * With `callback` (the number the agent is to call, as stored: E.164, `;ext=…`) and `country` (the
 * account's, ISO 3166-1 alpha-2), a second term and description when the number is in another country
 * (CallbackLocalTime): a Madrid company's owner who gives a Mexican mobile is rung in Mexico.
 */
export function CustomerLocalTime({
  timeZone,
  now = new Date(),
  callback,
  country,
}: {
  timeZone: string;
  now?: Date;
  callback?: string | null;
  country?: CountryCode;
}) {
  const s = useTranslations('staff.summary');
  return (
    <>
      <dt className="font-medium">{s('localTime')}</dt>
      <dd>
        <CustomerClockNow timeZone={timeZone} now={now} />
      </dd>
      {callback && country ? (
        <CallbackLocalTime phone={callback} accountCountry={country} accountZone={timeZone} now={now} />
      ) : null}
    </>
  );
}

/**
 * The wall clock where `phone` (a stored callback number) rings, for an account in `accountCountry`,
 * at `now`, as a <dt> and a <dd> ("Local time at the callback phone (Chile)"): nothing when the number
 * is in the account's country, or in none, or cannot be read (lib/time/callback-clocks.ts
 * callbackClocks, which says why); the country's one clock as the account's is shown (CustomerClockNow,
 * named after the country when several of its zones read that clock); several clocks as "from <the
 * earliest> (Tijuana) to <the latest> (Cancún)" with a verdict on office hours only where all its
 * zones agree; "unknown" where the runtime knows no zone of the country. The number's country is
 * libphonenumber-js's, by region (+1 876 is Jamaica), as the callback cell reads it; where its prefix
 * pins a zone or a few (+1 808: Honolulu; lib/time/number-zones.ts, read from disk on the server:
 * hence an async component), those alone.
 */
async function CallbackLocalTime({
  phone,
  accountCountry,
  accountZone,
  now,
}: {
  phone: string;
  accountCountry: CountryCode;
  accountZone: string;
  now: Date;
}) {
  const read = readCallback(phone, accountCountry);
  const numberZones = read ? await numberTimeZones(read.e164) : null;
  return (
    <CallbackClocksLine
      phone={phone}
      accountCountry={accountCountry}
      accountZone={accountZone}
      now={now}
      numberZones={numberZones}
    />
  );
}

/** CallbackLocalTime once the number's zones are read (`numberZones`: null when it says its country only). */
function CallbackClocksLine({
  phone,
  accountCountry,
  accountZone,
  now,
  numberZones,
}: {
  phone: string;
  accountCountry: CountryCode;
  accountZone: string;
  now: Date;
  numberZones: string[] | null;
}) {
  const s = useTranslations('staff.summary');
  const tag = intlTag(useLocale());
  const read = readCallback(phone, accountCountry);
  const where = read
    ? clockCountry(read.e164, describeDialled(read.e164, accountCountry, tag).country, accountCountry)
    : null;
  const clocks = callbackClocks(now, where, accountCountry, numberZones, accountZone);
  if (clocks.kind === 'none') return null;
  const country = countryName(clocks.country, tag);
  // One end of a range: that zone's clock, rendered here first, then ticking in the browser.
  const clockOf = (zone: string) => (
    <CountryClockTime
      key={now.toISOString()}
      timeZone={zone}
      locale={tag}
      first={{ at: now.toISOString(), text: formatWallTime(now, zone, tag) }}
    />
  );
  const labels = {
    within: s('within'),
    outside: s('outside'),
    hours: s('hours', { from: BUSINESS_HOURS.from, to: BUSINESS_HOURS.to }),
  };
  return (
    <>
      <dt className="font-medium">{s('callbackTime', { country })}</dt>
      <dd>
        {clocks.kind === 'unknown' ? (
          s('callbackUnknown', { country })
        ) : clocks.kind === 'one' ? (
          <CustomerClockNow
            timeZone={clocks.zone}
            now={now}
            place={clocks.zones.length > 1 ? country : undefined}
          />
        ) : (
          // The groups (which zones read the earliest and the latest clock) are the page's reading:
          // they change only when a zone of the country changes its offset (a DST change), and a
          // refresh reads them again; the clocks and the verdict tick (./customer-clock.tsx).
          <span aria-live="off">
            {s.rich('callbackRange', {
              from: () => clockOf(clocks.earliest.zone),
              fromPlace: groupPlace(clocks.earliest, clocks.country, tag, now),
              to: () => clockOf(clocks.latest.zone),
              toPlace: groupPlace(clocks.latest, clocks.country, tag, now),
            })}{' '}
            ·{' '}
            <OfficeHoursVerdict
              key={now.toISOString()}
              zones={clocks.zones}
              first={{ at: now.toISOString(), within: clocks.within }}
              labels={{ ...labels, mixed: s('callbackMixed') }}
            />
          </span>
        )}
      </dd>
    </>
  );
}

/**
 * The wall clock of `timeZone` at `now` (by default the moment of rendering), in the viewer's language,
 * with the zone's offset and its name by place (or `place`, when given: a country whose zones all read
 * this clock), and whether a callback lands within BUSINESS_HOURS ("lun, 7 dic 2026, 4:53 GMT-3 (zona
 * horaria: Santiago) · fuera del horario laboral (de lunes a viernes, de 8:00 a 18:00)"): rendered
 * here first, then kept right in the browser (./customer-clock.tsx). An unknown zone reads "unknown
 * (Its/Zone)".
 */
function CustomerClockNow({
  timeZone,
  now = new Date(),
  place,
}: {
  timeZone: string;
  now?: Date;
  place?: string;
}) {
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
      zone={s('zone', { zone: place ?? zoneName(timeZone, tag) })}
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
