import { beforeAll, describe, expect, it } from 'vitest';

// The times in a signed switch event as real switches and CDRs write them (review 9b). A call time
// that is not a real date is stored as the event's occurredAt, never rolled into another day (31
// February is not 3 March) and never a 500 (PostgreSQL has no year 0); an envelope time that is not a
// real date is a 400 with nothing stored, on both databases.
const { getDb } = await import('@/lib/server/db');
const { dialects, useFreshDb } = await import('@/tests/helpers/db');
const { makeAccount } = await import('@/tests/helpers/factory');
const { deliver, placedEvent } = await import('@/tests/helpers/switch-events');

async function placed(edit: (e: ReturnType<typeof placedEvent>) => void) {
  const { account, creds } = await makeAccount();
  const e = placedEvent(account.number, { from: [creds[0].username] });
  edit(e);
  const res = await deliver(e);
  const block = await getDb().block.findFirst({ where: { accountId: account.id }, include: { calls: true } });
  return { status: res.status, block, occurredAt: new Date(e.occurredAt) };
}
const setCallAt = (at: string) => (e: ReturnType<typeof placedEvent>) => {
  (e.data.calls as { at: string }[])[0].at = at;
};

describe.each(dialects())('switch event times on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it.each([
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['year 0000 once in UTC', '0001-01-01T00:30:00+01:00'],
    ['31 February', '2026-02-31T10:00:00Z'],
    ['29 February of a common year', '2026-02-29T10:00:00Z'],
    ['31 April', '2026-04-31T10:00:00Z'],
    ['month 13', '2026-13-01T10:00:00Z'],
  ])('a call dated %s is kept at the event’s occurredAt, and the block is stored', async (_, at) => {
    const { status, block, occurredAt } = await placed(setCallAt(at));
    expect(status).toBe(200);
    expect(block!.calls[0]!.at.toISOString()).toBe(occurredAt.toISOString());
  });

  it.each([
    ['with seconds and Z', '2026-11-25T09:13:58Z', '2026-11-25T09:13:58.000Z'],
    ['without seconds', '2026-11-25T09:13Z', '2026-11-25T09:13:00.000Z'],
    ['with an offset without its colon', '2026-11-25T10:13:58+0100', '2026-11-25T09:13:58.000Z'],
    ['on 29 February of a leap year', '2024-02-29T23:59:59-03:00', '2024-03-01T02:59:59.000Z'],
    // inputs-20: what CDR tools write besides; each was stored as the event's time before.
    ['with a space for T', '2026-11-25 09:13:58Z', '2026-11-25T09:13:58.000Z'],
    ['in lower case', '2026-11-25t09:13:58z', '2026-11-25T09:13:58.000Z'],
    ['with a comma before the fraction', '2026-11-25T06:13:58,250-03:00', '2026-11-25T09:13:58.250Z'],
    ['with an offset of hours alone', '2026-11-25T04:13:58-05', '2026-11-25T09:13:58.000Z'],
    // RFC 3339 §5.7: read as the last millisecond before it (no leap seconds in JavaScript's time).
    ['on a leap second', '2016-12-31T23:59:60Z', '2016-12-31T23:59:59.999Z'],
    // Review, session 39: Ruby's Time#to_s and Go's Time.String write the zone after a space.
    ['with the offset after a space', '2026-11-25 10:13:58 +0100', '2026-11-25T09:13:58.000Z'],
    ['with UTC for Z', '2026-11-25 09:13:58 UTC', '2026-11-25T09:13:58.000Z'],
    ['with the offset and the zone’s name', '2026-11-25 10:13:58.25 +0100 CET', '2026-11-25T09:13:58.250Z'],
  ])('a call time %s is read as that time', async (_, at, stored) => {
    const { status, block } = await placed(setCallAt(at));
    expect(status).toBe(200);
    expect(block!.calls[0]!.at.toISOString()).toBe(stored);
  });

  // inputs-20: the envelope's time was RFC 3339 only; an event written with strftime's "%z" offset
  // ("+0100") or a space for "T" was refused (400) and its block never arrived.
  it.each([
    ['with an offset without its colon', '2026-11-25T10:14:03+0100', '2026-11-25T09:14:03.000Z'],
    ['with a space for T', '2026-11-25 09:14:03Z', '2026-11-25T09:14:03.000Z'],
    ['in lower case', '2026-11-25t09:14:03z', '2026-11-25T09:14:03.000Z'],
    ['with a comma before the fraction', '2026-11-25T06:14:03,5-03:00', '2026-11-25T09:14:03.500Z'],
    ['with an offset of hours alone', '2026-11-25T06:14:03-03', '2026-11-25T09:14:03.000Z'],
    ['without seconds', '2026-11-25T14:44+05:30', '2026-11-25T09:14:00.000Z'],
    ['on a leap second, written in Madrid’s offset', '2017-01-01T00:59:60+01:00', '2016-12-31T23:59:59.999Z'],
    [
      'with six digits of fraction and a half-hour offset',
      '2026-11-25T14:44:03.123456+05:30',
      '2026-11-25T09:14:03.123Z',
    ],
    // Review, session 39: Ruby's Time#to_s, and Go's Time.String (the zone's name after the offset).
    ['as Ruby writes it', '2026-11-25 06:14:03 -0300', '2026-11-25T09:14:03.000Z'],
    ['as Ruby writes it in UTC', '2026-11-25 09:14:03 UTC', '2026-11-25T09:14:03.000Z'],
    ['with GMT for Z', '2026-11-25 09:14:03 GMT', '2026-11-25T09:14:03.000Z'],
    ['as Go writes it', '2026-11-25 10:14:03.123456789 +0100 CET', '2026-11-25T09:14:03.123Z'],
  ])('an event whose occurredAt is written %s is placed at that time', async (_, at, placedAt) => {
    const { status, block } = await placed((e) => {
      e.occurredAt = at;
    });
    expect({ status, placedAt: block?.placedAt.toISOString() }).toEqual({ status: 200, placedAt });
  });

  it.each([
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['31 February', '2026-02-31T10:00:00Z'],
  ])('an event whose occurredAt is %s is refused (400), and nothing is stored', async (_, at) => {
    const { status, block } = await placed((e) => {
      e.occurredAt = at;
    });
    expect(status).toBe(400);
    expect(block).toBeNull();
  });

  // Issue 14: a local time without a zone cannot be placed on the switch's clock; the 400 says why
  // (it said "Invalid ISO datetime"), and the account is compared with the switch at the next pass.
  it.each([
    ['without a zone', '2026-11-25T09:14:03'],
    ['with a fraction and no zone', '2026-11-25T09:14:03.123456'],
    ['with a zone’s abbreviation alone', '2026-11-25 09:14:03 CET'],
  ])('an event whose occurredAt is written %s is refused with a 400 that names the zone', async (_, at) => {
    const { account, creds } = await makeAccount();
    const e = placedEvent(account.number, { from: [creds[0].username] });
    e.occurredAt = at;
    const res = await deliver(e);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'invalid_event',
        message:
          'occurredAt: must be an ISO 8601 time with Z or an offset (2026-11-25T09:14:03Z); a time without a zone is ambiguous',
      },
    });
    const flagged = await getDb().customerAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(flagged.reconcileDue).toBe(true);
  });
});
