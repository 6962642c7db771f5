import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { consume, purgeExpiredLimits } from '@/lib/server/rate-limit';
import { dialects, useFreshDb } from '@/tests/helpers/db';

// Rate-limit counters are rows of RateLimiterFlexible; the rate-limit-purge worker deletes the ones
// whose window ended, so addresses and emails a stranger rotates through do not pile up for ever.

describe.each(dialects())('purging expired rate-limit counters on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('deletes every counter whose window ended, in one go, and keeps the live ones counting', async () => {
    const db = getDb();
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    await db.rateLimiterFlexible.createMany({
      data: Array.from({ length: 50 }, (_, i) => ({
        key: `signInEmailIp:stranger-${i}`,
        points: 1,
        expire: ago(1000 + i * 60_000),
      })),
    });
    // Live counters: two attempts spent through the limiter, and a row that ends a second from now.
    const key = `victim-${crypto.randomUUID()}@t.example`;
    await consume('signInEmailIp', key);
    await consume('signInEmailIp', key);
    await db.rateLimiterFlexible.create({
      data: { key: 'totp:live', points: 3, expire: new Date(now.getTime() + 1000) },
    });

    expect(await purgeExpiredLimits(now)).toBe(50);
    const left = await db.rateLimiterFlexible.findMany({ orderBy: { key: 'asc' } });
    expect(left).toHaveLength(2);
    expect(left.every((r) => r.expire! > now)).toBe(true);
    expect(left.map((r) => r.points).sort()).toEqual([2, 3]);
    // The limiter still counts from where it was: the third attempt of five.
    expect(await consume('signInEmailIp', key)).toEqual({ limited: false });
    expect((await db.rateLimiterFlexible.findMany()).map((r) => r.points).sort()).toEqual([3, 3]);
    expect(await purgeExpiredLimits(now)).toBe(0);
  });
});
