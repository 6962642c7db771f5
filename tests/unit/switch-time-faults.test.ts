import { describe, expect, it } from 'vitest';
import { switchTimeReadSchema, switchAccountSchema } from '@/lib/switch/schemas';

// A switch time refused is told one fault, the one it has (lib/switch/schemas.ts switchTimeFault). An
// event whose occurredAt was `+275760-09-13T00:00:00.000Z` (JavaScript's last date, as toISOString
// writes it) was answered with two messages, "a time without a zone is ambiguous" (it has a Z) and
// "must be a time in the years 0001–9999": zod's RFC 3339 check refused its expanded year with the
// zone's message, and Date read it, so the years' check ran too.

const FORMAT =
  'must be an ISO 8601 time with Z or an offset (2026-11-25T09:14:03Z); a time without a zone is ambiguous';
const YEARS = 'must be a time in the years 0001–9999';
const NOT_REAL =
  'must be a real date and time of day (not 31 February, not 24:00), with an offset within ±23:59';

const messages = (v: unknown) => switchTimeReadSchema.safeParse(v).error?.issues.map((i) => i.message) ?? [];

describe('a switch time refused names its one fault', () => {
  it.each([
    ['JavaScript’s last date, expanded, with Z', '+275760-09-13T00:00:00.000Z'],
    ['an expanded year past 9999 with an offset', '+010000-01-01T00:00:00+01:00'],
    ['an expanded year before 0001', '-000001-12-31T23:59:59Z'],
    ['an expanded year 0', '+000000-01-01T00:00:00Z'],
    ['a five-digit year with Z', '10000-01-01T00:00:00Z'],
    ['an expanded year past 9999, written with a space and +0100', '+275760-09-13 00:00:00 +0100'],
    ['the year 0000 with Z', '0000-01-01T00:00:00Z'],
    ['9999 that is 10000 once in UTC', '9999-12-31T23:00:00-05:00'],
    ['0001 that is 0000 once in UTC', '0001-01-01T00:30:00+01:00'],
    ['an expanded year past 9999 without a zone', '+275760-09-13T00:00:00.000'],
    ['the year 0000 without a zone', '0000-01-01T00:00:00'],
  ])('%s: the years alone', (_, text) => {
    expect(messages(text)).toEqual([YEARS]);
  });

  it.each([
    ['31 February', '2026-02-31T10:00:00Z'],
    ['month 13', '2026-13-01T10:00:00Z'],
    ['hour 24', '2026-11-25T24:00:00Z'],
    ['an offset of +25:00', '2026-11-25T09:14:03+25:00'],
    ['31 April with an offset without its colon', '2026-04-31T10:00:00+0100'],
  ])('%s, with a zone: not a real date or time, not "without a zone"', (_, text) => {
    expect(messages(text)).toEqual([NOT_REAL]);
  });

  it.each([
    ['without a zone', '2026-11-25T09:14:03'],
    ['with a zone’s abbreviation alone', '2026-11-25 09:14:03 CET'],
    ['not a time', 'yesterday'],
    ['empty', ''],
    ['a number', 1764062043],
    ['null', null],
  ])('%s: the format, once', (_, value) => {
    expect(messages(value)).toEqual([FORMAT]);
  });

  it('reads an expanded year within 0001–9999 as that year', () => {
    expect(switchTimeReadSchema.parse('+002026-11-25T09:14:03Z')).toBe('2026-11-25T09:14:03Z');
    expect(switchTimeReadSchema.parse('+002026-11-25 10:14:03 +0100')).toBe('2026-11-25T10:14:03+01:00');
    expect(switchTimeReadSchema.parse('+000001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00Z');
  });

  it('still reads the times it read', () => {
    for (const text of ['2026-11-25T09:14:03Z', '2026-11-25T10:14:03.5+01:00', '9999-12-31T23:59:59.999Z'])
      expect(switchTimeReadSchema.parse(text)).toBe(text);
  });

  it('the switch’s answers read their times with it: an expanded year past 9999 is unreadable', () => {
    const account = (blockedAt: string) => ({
      accountNumber: 'ACC-1001',
      internationalCalling: 'blocked',
      blockedAt,
      reason: null,
      allowances: [{ country: 'SO', until: blockedAt }],
    });
    const far = switchAccountSchema.safeParse(account('+275760-09-13T00:00:00.000Z'));
    expect(far.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['blockedAt', YEARS],
      ['allowances.0.until', YEARS],
    ]);
    expect(switchAccountSchema.parse(account('+002026-11-25T09:14:03Z')).blockedAt).toBe(
      '2026-11-25T09:14:03Z',
    );
  });
});
