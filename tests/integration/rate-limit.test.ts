import crypto from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { dialects, useFreshDb } from '@/tests/helpers/db';

// lib/server/rate-limit.ts counts an attempt with one INSERT … ON CONFLICT DO UPDATE statement instead
// of rate-limiter-flexible's deleteMany + upsert (issue 14 goal 7): same table, same windows, on
// rows the library's Prisma store wrote before as well as its own.

type RateLimit = typeof import('@/lib/server/rate-limit');
type Db = typeof import('@/lib/server/db');

/** The table's key for a limit's key, as lib/server/rate-limit.ts stores it (prefix, hashed key). */
const stored = (name: string, key: string) =>
  `${name}:${crypto.createHash('sha256').update(key.toLowerCase()).digest('base64url')}`;

describe.each(dialects())('rate limits, one statement per attempt, %s', (dialect) => {
  let rl: RateLimit;
  let db: Db['db'];

  beforeAll(async () => {
    await useFreshDb(dialect);
    // The limiters keep the client they were made with: fresh modules, so they use this dialect's.
    vi.resetModules();
    rl = await import('@/lib/server/rate-limit');
    db = (await import('@/lib/server/db')).db;
  });

  it('counts attempts up to the limit and refuses the next one, per key', async () => {
    const key = crypto.randomUUID();
    const { points, duration } = rl.LIMITS.passwordCheckUser;
    for (let i = 1; i < points; i++)
      expect(await rl.consume('passwordCheckUser', key)).toEqual({ limited: false });
    expect(await rl.consume('passwordCheckUser', key)).toMatchObject({ limited: true, rejected: false });
    const over = await rl.consume('passwordCheckUser', key);
    expect(over).toMatchObject({ limited: true, rejected: true });
    // The window runs from the first attempt: about `duration` seconds are left.
    expect((over as { retryAfterSec: number }).retryAfterSec).toBeGreaterThan(duration - 60);
    expect((over as { retryAfterSec: number }).retryAfterSec).toBeLessThanOrEqual(duration);
    const row = await db.rateLimiterFlexible.findUnique({ where: { key: stored('passwordCheckUser', key) } });
    expect(row?.points).toBe(points + 1);
    // Another key has its own allowance.
    expect(await rl.consume('passwordCheckUser', crypto.randomUUID())).toEqual({ limited: false });
  });

  it('counts every one of a burst of parallel attempts', async () => {
    const key = crypto.randomUUID();
    const { points } = rl.LIMITS.passwordCheckUser;
    const all = await Promise.all(
      Array.from({ length: points + 5 }, () => rl.consume('passwordCheckUser', key)),
    );
    expect(all.filter((s) => s.limited && s.rejected)).toHaveLength(5);
    const row = await db.rateLimiterFlexible.findUnique({ where: { key: stored('passwordCheckUser', key) } });
    expect(row?.points).toBe(points + 5);
  });

  it('starts a new window over a row whose window has passed, and counts on in one that has not', async () => {
    const key = crypto.randomUUID();
    const { points } = rl.LIMITS.passwordCheckAddress;
    // Rows as rate-limiter-flexible's own Prisma store wrote them (model API dates).
    await db.rateLimiterFlexible.create({
      data: {
        key: stored('passwordCheckAddress', key),
        points: points + 3,
        expire: new Date(Date.now() - 1000),
      },
    });
    expect(await rl.consume('passwordCheckAddress', key)).toEqual({ limited: false });
    const renewed = await db.rateLimiterFlexible.findUnique({
      where: { key: stored('passwordCheckAddress', key) },
    });
    expect(renewed?.points).toBe(1);
    expect(renewed!.expire!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);

    const busy = crypto.randomUUID();
    const expire = new Date(Date.now() + 60_000);
    await db.rateLimiterFlexible.create({
      data: { key: stored('passwordCheckAddress', busy), points: points, expire },
    });
    expect(await rl.consume('passwordCheckAddress', busy)).toMatchObject({ limited: true, rejected: true });
    const kept = await db.rateLimiterFlexible.findUnique({
      where: { key: stored('passwordCheckAddress', busy) },
    });
    expect(kept?.points).toBe(points + 1);
    expect(kept?.expire?.getTime()).toBe(expire.getTime());
  });

  it('gives a point back (reward) and forgets a key (reset)', async () => {
    const key = crypto.randomUUID();
    await rl.consume('sipPassword', key);
    await rl.consume('sipPassword', key);
    await rl.reward('sipPassword', key);
    const row = await db.rateLimiterFlexible.findUnique({ where: { key: stored('sipPassword', key) } });
    expect(row?.points).toBe(1);
    await rl.reset('sipPassword', key);
    expect(await db.rateLimiterFlexible.count({ where: { key: stored('sipPassword', key) } })).toBe(0);
  });

  // A weighted attempt (the password checks: lib/passwords/check.ts checkCost) and a ceiling sized per
  // caller (a login's SIP password changes: lib/credentials/reset.ts resetCeiling).
  it('spends an attempt’s cost, and holds each caller to its own allowance on the same counter', async () => {
    const key = crypto.randomUUID();
    const { points } = rl.LIMITS.passwordCheckUser;
    expect(await rl.consume('passwordCheckUser', key, { cost: points - 10 })).toEqual({ limited: false });
    expect(await rl.consume('passwordCheckUser', key, { cost: 10 })).toMatchObject({
      limited: true,
      rejected: false,
    });
    expect(await rl.consume('passwordCheckUser', key)).toMatchObject({ limited: true, rejected: true });
    await rl.reward('passwordCheckUser', key, 11); // the cost given back, as consumeAll does
    const row = await db.rateLimiterFlexible.findUnique({ where: { key: stored('passwordCheckUser', key) } });
    expect(row?.points).toBe(points - 10);

    const login = crypto.randomUUID();
    const floor = rl.LIMITS.sipPassword.points;
    for (let i = 0; i < floor; i++) await rl.consume('sipPassword', login);
    // Over the floor for a caller held to it; within a larger allowance on the same row.
    expect(await rl.consume('sipPassword', login)).toMatchObject({ rejected: true });
    await rl.reward('sipPassword', login);
    expect(await rl.consume('sipPassword', login, { points: floor + 2 })).toEqual({ limited: false });
    expect(await rl.consume('sipPassword', login, { points: floor + 2 })).toMatchObject({
      limited: true,
      rejected: false,
    });
    expect(await rl.consume('sipPassword', login, { points: floor + 2 })).toMatchObject({ rejected: true });
    expect(
      (await db.rateLimiterFlexible.findUnique({ where: { key: stored('sipPassword', login) } }))?.points,
    ).toBe(floor + 3);
  });

  it('never gives a point back below 0: to a window that has just ended, to one at 0, to no row', async () => {
    const ended = crypto.randomUUID();
    await db.rateLimiterFlexible.create({
      data: { key: stored('sipPassword', ended), points: 3, expire: new Date(Date.now() - 1000) },
    });
    const atZero = crypto.randomUUID();
    await db.rateLimiterFlexible.create({
      data: { key: stored('sipPassword', atZero), points: 0, expire: new Date(Date.now() + 60_000) },
    });
    const none = crypto.randomUUID();
    for (const key of [ended, atZero, none]) await rl.reward('sipPassword', key);
    for (const key of [ended, atZero, none]) {
      const row = await db.rateLimiterFlexible.findUnique({ where: { key: stored('sipPassword', key) } });
      expect(row?.points).toBe(0);
    }
    // The window that had ended starts again: the full allowance, not one more.
    const { points } = rl.LIMITS.sipPassword;
    for (let i = 1; i < points; i++)
      expect(await rl.consume('sipPassword', ended)).toEqual({ limited: false });
    expect(await rl.consume('sipPassword', ended)).toMatchObject({ limited: true, rejected: false });
  });

  it('keeps a blocked key blocked for the block duration (forced expiry: the library’s own write)', async () => {
    const key = crypto.randomUUID();
    const { points, blockDuration } = rl.LIMITS.signInEmailIp;
    for (let i = 0; i < points; i++) await rl.consume('signInEmailIp', key);
    const over = await rl.consume('signInEmailIp', key);
    expect(over).toMatchObject({ limited: true, rejected: true });
    expect((over as { retryAfterSec: number }).retryAfterSec).toBeGreaterThan(blockDuration - 60);
  });
});
