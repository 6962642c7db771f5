import 'server-only';
import crypto from 'node:crypto';
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import { getDb } from '@/lib/db';

// rate-limiter-flexible over the database, so limits hold across several app instances.
type Limit = { points: number; duration: number; blockDuration?: number };

export const LIMITS = {
  signInEmail: { points: 5, duration: 15 * 60, blockDuration: 15 * 60 },
  signInIp: { points: 50, duration: 15 * 60, blockDuration: 15 * 60 },
  emailLink: { points: 5, duration: 60 * 60 },
  /** Sign-in links asked for from one IP (an office behind one address may have several people). */
  emailLinkIp: { points: 30, duration: 60 * 60 },
  totp: { points: 5, duration: 5 * 60, blockDuration: 5 * 60 },
  /** One use per user and TOTP time step (codes stay valid ±30 s, so 2 minutes covers them). */
  totpStep: { points: 1, duration: 2 * 60 },
  sipPassword: { points: 20, duration: 60 * 60 },
  unblockRequest: { points: 5, duration: 24 * 60 * 60 },
} satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

const limiters = new Map<LimitName, RateLimiterPrisma>();

function limiter(name: LimitName): RateLimiterPrisma {
  let l = limiters.get(name);
  if (!l) {
    l = new RateLimiterPrisma({ storeClient: getDb(), tableName: 'rateLimiterFlexible', keyPrefix: name, clearExpiredByTimeout: false, ...LIMITS[name] });
    limiters.set(name, l);
  }
  return l;
}

/** Keys are hashed: a 10 KB email or an IPv6 address becomes a fixed-size key, and no PII sits in the table. */
const k = (key: string) => crypto.createHash('sha256').update(key.toLowerCase()).digest('base64url');

/** limited: no attempt is left after this one; rejected: this attempt itself was over the limit. */
export type LimitStatus = { limited: false; rejected?: false } | { limited: true; rejected: boolean; retryAfterSec: number };

/**
 * Counts one attempt. Call it BEFORE doing the costly or guessable thing, so a burst of parallel
 * requests cannot all pass a check that only counts afterwards.
 */
export async function consume(name: LimitName, key: string): Promise<LimitStatus> {
  try {
    const res = await limiter(name).consume(k(key));
    return res.remainingPoints <= 0 ? { limited: true, rejected: false, retryAfterSec: Math.ceil(res.msBeforeNext / 1000) } : { limited: false };
  } catch (e) {
    if (e instanceof RateLimiterRes) return { limited: true, rejected: true, retryAfterSec: Math.ceil(e.msBeforeNext / 1000) };
    throw e;
  }
}

/** Gives back one point (a successful attempt that was counted in advance). */
export async function reward(name: LimitName, key: string): Promise<void> {
  await limiter(name).reward(k(key), 1);
}

export async function reset(name: LimitName, key: string): Promise<void> {
  await limiter(name).delete(k(key));
}
