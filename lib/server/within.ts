/** What `within` answers for a promise that has not settled in time. */
export const TIMED_OUT = Symbol('timed out');

/**
 * `p`'s value, or TIMED_OUT when it has not settled within `ms` milliseconds (at once for `ms` ≤ 0);
 * `p`'s rejection when it rejects in time. `p` keeps running: its late value or error is dropped by
 * this race (no unhandled rejection), so a caller that still wants it keeps its own reference (the
 * block page streams a late switch read). A timer of the caller's own: Prisma takes no time limit per
 * query, and the switch client's timeout (SWITCH_API_TIMEOUT_MS) bounds a read, not a page's wait.
 */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
