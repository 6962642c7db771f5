import { describe, expect, it } from 'vitest';
import { pageChanged, watchedCheck } from '@/components/refresh-loop';
import { versionOf } from '@/lib/server/version';
import { queueChange } from '@/components/staff/queue-change';
import { translator } from '@/lib/i18n/translate';

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
    expect(queueChange(read, { pending: 6, arrived: 2, capped: false })).toEqual({
      arrived: 2,
      arrivedCapped: false,
      left: 0,
      unclear: false,
    });
    expect(queueChange(read, { pending: 3, arrived: 0, capped: false })).toEqual({
      arrived: 0,
      arrivedCapped: false,
      left: 1,
      unclear: false,
    });
    expect(queueChange(read, { pending: 4, arrived: 2, capped: false })).toEqual({
      arrived: 2,
      arrivedCapped: false,
      left: 2,
      unclear: false,
    });
  });

  it('says the queue changed when the counts do not add up, never a false "decided"', () => {
    // A request stamped just before the read and committed after it: in neither count.
    expect(queueChange(read, { pending: 5, arrived: 0, capped: false })).toEqual({
      arrived: 0,
      arrivedCapped: false,
      left: null,
      unclear: true,
    });
  });

  it('says nothing of the decided when a count passed its cap, and still counts arrivals', () => {
    expect(
      queueChange({ pending: 10_000, capped: true }, { pending: 10_000, arrived: 0, capped: true }),
    ).toBeNull();
    expect(queueChange(read, { pending: 10_000, arrived: 3, capped: true })).toEqual({
      arrived: 3,
      arrivedCapped: false,
      left: null,
      unclear: false,
    });
  });

  it('says "more than" when the arrivals passed their cap, in both languages', () => {
    expect(
      queueChange(read, { pending: 10_000, arrived: 10_000, capped: true, arrivedCapped: true }),
    ).toEqual({ arrived: 10_000, arrivedCapped: true, left: null, unclear: false });
    // The sentence QueueWatch makes of it (components/staff/queue-watch.tsx).
    const said = (locale: 'en' | 'es', count: number, capped: 'yes' | 'no') =>
      translator(locale)('staff.queueWatch.arrived', { count, capped });
    expect(said('en', 10_000, 'yes')).toBe(
      'More than 10,000 new requests arrived since this list was shown.',
    );
    expect(said('en', 10_000, 'no')).toBe('10,000 new requests arrived since this list was shown.');
    expect(said('en', 1, 'no')).toBe('1 new request arrived since this list was shown.');
    expect(said('es', 10_000, 'yes')).toBe(
      'Han llegado más de 10.000 solicitudes nuevas desde que se mostró esta lista.',
    );
    expect(said('es', 1, 'no')).toBe('Ha llegado 1 solicitud nueva desde que se mostró esta lista.');
  });
});

describe('watchedCheck', () => {
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('renders only when the answer changed, or when the last render is older than renderEveryMs', async () => {
    let t = 0;
    let changed = false;
    const asked: string[] = [];
    let renders = 0;
    const check = watchedCheck({
      url: '/api/version/blocks/b1',
      version: 'v1',
      renderEveryMs: 120_000,
      render: () => renders++,
      ask: async (url, version) => (asked.push(`${url} ${version}`), changed),
      now: () => t,
    });
    check();
    await settle();
    expect([asked.length, renders]).toEqual([1, 0]);
    changed = true;
    check();
    await settle();
    expect([asked.length, renders]).toEqual([2, 1]);
    // Two minutes after that render, nothing asked: the switch's part of the page is rendered again.
    changed = false;
    t = 120_000;
    check();
    await settle();
    expect([asked.length, renders]).toEqual([2, 2]);
    check();
    await settle();
    expect([asked.length, renders]).toEqual([3, 2]);
  });

  it('asks one question at a time', async () => {
    let answer!: (v: boolean) => void;
    let asked = 0;
    const check = watchedCheck({
      url: '/api/version/dashboard',
      version: 'v1',
      render: () => undefined,
      ask: () => (asked++, new Promise<boolean>((r) => (answer = r))),
    });
    check();
    check();
    expect(asked).toBe(1);
    answer(false);
    await settle();
    check();
    expect(asked).toBe(2);
  });
});
