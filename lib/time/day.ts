import { TZDate } from '@date-fns/tz';
import { isTimeZone } from '@/lib/time/format';

/**
 * The instant a calendar day begins on the clock of `timeZone` (IANA; anything unknown counts as UTC):
 * `day` is an ISO 8601 calendar date (`YYYY-MM-DD`, as an `<input type="date">` sends it), moved
 * `addDays` days on (1: the end of that day, exclusive). Local midnight, or the first moment of the day
 * when a daylight-saving change skips midnight (America/Santiago's September change starts the day at
 * 01:00). Computed with @date-fns/tz over ICU's tz database. Throws RangeError for a `day` that is not
 * `YYYY-MM-DD`.
 */
export function dayStart(day: string, timeZone: string, addDays = 0): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`not a calendar date: ${day}`);
  const t = new TZDate(2000, 0, 1, isTimeZone(timeZone) ? timeZone : 'UTC');
  // setFullYear, not the constructor: Date's constructor reads years 0–99 as 1900–1999.
  t.setFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + addDays);
  t.setHours(0, 0, 0, 0);
  return new Date(t.getTime());
}
