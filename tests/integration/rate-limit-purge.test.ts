import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { consume, purgeExpiredLimits } from '@/lib/server/rate-limit';
import { findReceipt, pruneReceipts, RECEIPT_TTL_MS } from '@/lib/server/idempotency';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { uniqueEmail } from '@/tests/helpers/unique';

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
    const key = uniqueEmail('victim');
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

  // The same tick prunes the forms' receipts (lib/server/idempotency.ts): a day after the first
  // submission a receipt no longer answers a resend, and the table does not grow without bound.
  it('prunes the form receipts that expired, and an expired one answers nothing before it goes', async () => {
    const db = getDb();
    const user = await db.user.create({ data: { email: uniqueEmail('r') } });
    const now = new Date();
    const row = (key: string, createdAt: Date) => ({
      userId: user.id,
      key,
      action: 'auth.password',
      digest: 'd',
      note: '{"key":"outcome.again.portalPassword"}',
      createdAt,
      expiresAt: new Date(createdAt.getTime() + RECEIPT_TTL_MS),
    });
    const [old, live] = [crypto.randomUUID(), crypto.randomUUID()];
    await db.formReceipt.createMany({
      data: [row(old, new Date(now.getTime() - RECEIPT_TTL_MS - 1000)), row(live, now)],
    });
    expect(await findReceipt({ userId: user.id, key: old }, now)).toBeNull();
    expect(await findReceipt({ userId: user.id, key: live }, now)).toMatchObject({ action: 'auth.password' });
    expect(await pruneReceipts(now)).toBeGreaterThanOrEqual(1);
    expect((await db.formReceipt.findMany({ where: { userId: user.id } })).map((r) => r.key)).toEqual([live]);
  });
});
