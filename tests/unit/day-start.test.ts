import { describe, expect, it } from 'vitest';
import { dayStart } from '@/lib/time/day';

// The audit log's day filters: a day on the agent's own clock (lib/staff/audit-query.ts).
describe('dayStart', () => {
  const iso = (day: string, zone: string, add = 0) => dayStart(day, zone, add).toISOString();

  it('is local midnight in the zone, and the next day’s for the end of a day', () => {
    expect(iso('2026-12-01', 'America/New_York')).toBe('2026-12-01T05:00:00.000Z');
    expect(iso('2026-12-01', 'America/New_York', 1)).toBe('2026-12-02T05:00:00.000Z');
    expect(iso('2026-12-01', 'America/Mexico_City')).toBe('2026-12-01T06:00:00.000Z');
    expect(iso('2026-12-01', 'Asia/Kolkata')).toBe('2026-11-30T18:30:00.000Z');
    expect(iso('2026-12-01', 'UTC')).toBe('2026-12-01T00:00:00.000Z');
  });
  it('crosses months and years, and leap days', () => {
    expect(iso('2026-12-31', 'Europe/Madrid', 1)).toBe('2026-12-31T23:00:00.000Z');
    expect(iso('2028-02-28', 'UTC', 1)).toBe('2028-02-29T00:00:00.000Z');
    expect(iso('2027-02-28', 'UTC', 1)).toBe('2027-03-01T00:00:00.000Z');
  });
  it('follows daylight-saving changes: 23- and 25-hour days, and a day that starts at 01:00', () => {
    const hours = (day: string, zone: string) =>
      (dayStart(day, zone, 1).getTime() - dayStart(day, zone).getTime()) / 3_600_000;
    expect(hours('2026-03-29', 'Europe/Madrid')).toBe(23);
    expect(hours('2026-10-25', 'Europe/Madrid')).toBe(25);
    expect(hours('2026-11-01', 'America/New_York')).toBe(25);
    // Chile moves its clocks at midnight: on 6 September 2026 the day begins at 01:00 (-03).
    expect(iso('2026-09-06', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
    expect(hours('2026-09-06', 'America/Santiago')).toBe(23);
  });
  it('reads years 1 to 99 as themselves, not as 1901 to 1999', () => {
    expect(iso('0050-06-01', 'UTC')).toBe('0050-06-01T00:00:00.000Z');
    expect(dayStart('0001-01-01', 'UTC').getUTCFullYear()).toBe(1);
  });
  it('counts an unknown zone as UTC and refuses what is not a calendar date', () => {
    expect(iso('2026-12-01', 'Mars/Olympus')).toBe('2026-12-01T00:00:00.000Z');
    for (const bad of ['2026-12-1', '1 Dec 2026', '', '2026-12-01T00:00'])
      expect(() => dayStart(bad, 'UTC'), bad).toThrow(RangeError);
  });
});
