import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount } from '@/tests/helpers/factory';
import { deliver, placedEvent } from '@/tests/helpers/switch-events';

// An event whose occurredAt was `+275760-09-13T00:00:00.000Z` was answered "occurredAt: must be an
// ISO 8601 time with Z or an offset (…); a time without a zone is ambiguous; occurredAt: must be a
// time in the years 0001–9999": only the second is true. The 400 now names the one fault
// (lib/switch/schemas.ts switchTimeFault), and an expanded year within 0001–9999 is read.

async function withOccurredAt(occurredAt: string, callAt?: string) {
  const { account, creds } = await makeAccount();
  const e = placedEvent(account.number, { from: [creds[0].username] });
  e.occurredAt = occurredAt;
  if (callAt) (e.data.calls as { at: string }[])[0]!.at = callAt;
  const res = await deliver(e);
  const block = await getDb().block.findFirst({ where: { accountId: account.id }, include: { calls: true } });
  return { res, block };
}

describe.each(dialects())('an event time with a zone but outside the years, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it.each([
    [
      'JavaScript’s last date, expanded',
      '+275760-09-13T00:00:00.000Z',
      'must be a time in the years 0001–9999',
    ],
    ['an expanded year before 0001', '-000001-01-01T00:00:00Z', 'must be a time in the years 0001–9999'],
    ['a five-digit year', '10000-01-01T00:00:00+01:00', 'must be a time in the years 0001–9999'],
    [
      '31 February',
      '2026-02-31T10:00:00Z',
      'must be a real date and time of day (not 31 February, not 24:00), with an offset within ±23:59',
    ],
  ])('%s is refused with one message that names its fault', async (_, at, message) => {
    const { res, block } = await withOccurredAt(at);
    expect(res).toEqual({
      status: 400,
      body: { error: { code: 'invalid_event', message: `occurredAt: ${message}` } },
    });
    expect(block).toBeNull();
    const kept = await getDb().switchEvent.findFirstOrThrow({
      where: { status: 'rejected', error: `occurredAt: ${message}`, body: { contains: at } },
    });
    expect(kept.type).toBe('unknown');
  });

  it('an expanded year within 0001–9999 is read, in occurredAt and in a call’s time', async () => {
    const occurredAt = new Date(Date.now() - 60_000);
    const callAt = new Date(occurredAt.getTime() - 5_000);
    const expanded = (d: Date) => `+00${d.toISOString()}`;
    const { res, block } = await withOccurredAt(expanded(occurredAt), expanded(callAt));
    expect(res.status).toBe(200);
    expect(block!.placedAt.toISOString()).toBe(occurredAt.toISOString());
    expect(block!.calls[0]!.at.toISOString()).toBe(callAt.toISOString());
  });

  it('a call’s time past 9999 is shown as the event’s occurredAt; the block is stored', async () => {
    const occurredAt = new Date(Date.now() - 60_000);
    const { res, block } = await withOccurredAt(occurredAt.toISOString(), '+275760-09-13T00:00:00.000Z');
    expect(res.status).toBe(200);
    expect(block!.calls[0]!.at.toISOString()).toBe(occurredAt.toISOString());
  });
});
