import { describe, expect, it } from 'vitest';
import { pageChanged } from '@/components/refresh-loop';
import { versionOf } from '@/lib/server/version';
import { queueChange } from '@/components/staff/queue-change';

// An open page's watch (components/auto-refresh.tsx): the fingerprint of its data, and the question
// the browser asks instead of rendering the page again.

describe('versionOf', () => {
  it('is equal for equal data and differs for any changed value, dates and bigints included', () => {
    const at = new Date('2026-12-04T10:00:00Z');
    const data = { status: 'active', at, calls: [{ to: '+252611234567', n: 3n }] };
    const v = versionOf(data);
    expect(v).toMatch(/^[\w-]{22}$/);
    expect(versionOf(structuredClone(data))).toBe(v);
    expect(versionOf({ ...data, status: 'lifted' })).not.toBe(v);
    expect(versionOf({ ...data, at: new Date(at.getTime() + 1) })).not.toBe(v);
    expect(versionOf({ ...data, calls: [{ to: '+252611234567', n: 4n }] })).not.toBe(v);
    expect(versionOf(null)).not.toBe(versionOf([]));
  });
});

describe('pageChanged', () => {
  const answering =
    (status: number, body: unknown): typeof fetch =>
    async () =>
      new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });

  it('re-renders for another version, and for a refusal or an answer that is not a version', async () => {
    expect(await pageChanged('/api/version/dashboard', 'v1', answering(200, { version: 'v1' }))).toBe(false);
    expect(await pageChanged('/api/version/dashboard', 'v1', answering(200, { version: 'v2' }))).toBe(true);
    // Signed out, or no longer the caller's: the page's own render says so (sign-in, not found).
    expect(await pageChanged('/api/version/dashboard', 'v1', answering(401, { error: 'unauthorized' }))).toBe(
      true,
    );
    expect(await pageChanged('/api/version/blocks/x', 'v1', answering(404, { error: 'not_found' }))).toBe(
      true,
    );
    // A server that cannot answer now (a database outage, a restart): ask again, keep the page shown.
    expect(await pageChanged('/api/version/blocks/x', 'v1', answering(500, { error: 'x' }))).toBe(false);
    expect(await pageChanged('/api/version/blocks/x', 'v1', answering(502, 'Bad gateway'))).toBe(false);
    expect(await pageChanged('/api/version/blocks/x', 'v1', answering(200, 'not json'))).toBe(true);
  });

  it('waits for the next check when the server cannot be reached, and never reads a cached answer', async () => {
    const seen: RequestInit[] = [];
    const offline: typeof fetch = async (_url, init) => {
      seen.push(init ?? {});
      throw new TypeError('Failed to fetch');
    };
    expect(await pageChanged('/api/version/dashboard', 'v1', offline)).toBe(false);
    expect(seen[0]).toMatchObject({ cache: 'no-store', credentials: 'same-origin' });
  });
});

describe('queueChange', () => {
  const read = { pending: 4, capped: false };
  it('counts the requests that arrived and those that stopped waiting since the read', () => {
    expect(queueChange(read, { pending: 4, arrived: 0, capped: false })).toBeNull();
    expect(queueChange(read, { pending: 6, arrived: 2, capped: false })).toEqual({ arrived: 2, left: 0 });
    expect(queueChange(read, { pending: 3, arrived: 0, capped: false })).toEqual({ arrived: 0, left: 1 });
    expect(queueChange(read, { pending: 4, arrived: 2, capped: false })).toEqual({ arrived: 2, left: 2 });
  });

  it('says nothing of the decided when a count passed its cap, and still counts arrivals', () => {
    expect(
      queueChange({ pending: 10_000, capped: true }, { pending: 10_000, arrived: 0, capped: true }),
    ).toBeNull();
    expect(queueChange(read, { pending: 10_000, arrived: 3, capped: true })).toEqual({
      arrived: 3,
      left: null,
    });
  });
});
